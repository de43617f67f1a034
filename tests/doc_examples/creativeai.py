"""The creativeai doc's own examples (creativeai-api.txt), verbatim: one copy for the sandbox, adapter and contract tests.

Every JSON body the doc shows (requests, responses, webhook payloads, errors; each once, with where it appears), the
Python request of the multi-shot example, and the `-F` fields of the multipart examples. `EXAMPLES` / `FORMS` list
them all: tests/contract/test_doc_inventory.py finds each in the doc and every block of the doc among them. Not kept:
the curl comments' abbreviations (`# Response: { "id": "abc123", "status": "processing", ... }` and its voice and batch
twins), which are no JSON and shorten examples kept here.
"""

from typing import Any

# creativeai-api.txt ----------------------------------------------------------------------------------
N8N_VIDEO_REQUEST: dict[str, Any] = {  # creativeai-api.txt:10
    "model": "auto",
    "prompt": "Turn this product image into a short vertical promo clip",
    "image_url": "{{$json.product_image_url}}",
    "duration": 5,
    "aspect_ratio": "9:16",
    "webhook_url": "https://your-n8n-host/webhook/creativeai-video",
}
QUICK_START_IMAGE_REQUEST: dict[str, Any] = {  # creativeai-api.txt:26
    "model": "dall-e-3",
    "prompt": "A serene Japanese garden at sunset",
    "size": "1024x1024",
    "n": 1,
    "character_references": ["https://example.com/char1.png", "https://example.com/char2.png"],
    "camera_angle": "isometric",
    "style_reference_url": "https://example.com/style.jpg",
}
TRANSPARENT_IMAGE_REQUEST: dict[str, Any] = {  # creativeai-api.txt:42
    "model": "dall-e-3",
    "prompt": "Pixel art warrior character, 64x64 sprite, clean edges",
    "size": "1024x1024",
    "background": "transparent",
    "n": 1,
}
T2V_REQUEST: dict[str, Any] = {  # creativeai-api.txt:81
    "model": "auto",
    "prompt": "A drone shot over a coastal city at golden hour, cinematic",
    "duration": 5,
    "aspect_ratio": "16:9",
    "character_reference_url": "https://example.com/character.png",
    "character_references": ["https://example.com/char1.png", "https://example.com/char2.png"],
    "camera_angle": "isometric",
    "style_reference_url": "https://example.com/style.jpg",
    "webhook_url": "https://your-app.com/webhooks/creativeai/video",
}
I2V_REQUEST: dict[str, Any] = {  # creativeai-api.txt:105
    "model": "auto",
    "prompt": "Camera slowly zooms in, the character turns and smiles",
    "image_url": "https://example.com/portrait.png",
    "duration": 5,
    "aspect_ratio": "9:16",
}
I2V_MINIMAL_REQUEST: dict[str, Any] = {  # creativeai-api.txt:112
    "model": "auto",
    "image_url": "https://example.com/source-image.png",
    "prompt": "Subtle camera push in, natural motion, cinematic lighting",
    "duration": 5,
    "aspect_ratio": "16:9",
}
I2V_ACCEPTED: dict[str, Any] = {  # creativeai-api.txt:119
    "id": "vgen_i2v_abc123",
    "object": "video.generation",
    "model": "auto",
    "model_actual": "kling-o3-pro-i2v",
    "status": "processing",
    "prompt": "Subtle camera push in, natural motion, cinematic lighting",
    "image_url": "https://example.com/source-image.png",
    "credits": 30,
    "output_url": None,
    "created_at": "2026-04-10T00:15:00Z",
}
I2V_COMPLETED: dict[str, Any] = {  # creativeai-api.txt:131
    "id": "vgen_i2v_abc123",
    "object": "video.generation",
    "model": "auto",
    "model_actual": "kling-o3-pro-i2v",
    "status": "completed",
    "prompt": "Subtle camera push in, natural motion, cinematic lighting",
    "image_url": "https://example.com/source-image.png",
    "credits": 30,
    "output_url": "https://cdn.creativeai.run/output/i2v-abc123.mp4",
    "error": None,
    "completed_at": "2026-04-10T00:17:32Z",
}
BATCH_REQUEST: dict[str, Any] = {  # creativeai-api.txt:150
    "prompts": [
        {"prompt": "Product showcase video, rotating 360 degrees", "image_url": "https://example.com/product1.png"},
        {"prompt": "Social media clip, dynamic transitions"},
        {"prompt": "Aerial drone shot over mountains at sunset"},
    ],
    "model": "auto",
    "aspect_ratio": "16:9",
    "duration": 5,
    "webhook_url": "https://your-app.com/webhooks/creativeai/batch",
}
BATCH_ACCEPTED: dict[str, Any] = {  # creativeai-api.txt:167
    "batch_id": "video_batch_abc123",
    "total_jobs": 3,
    "jobs": [
        {"id": "vid_xyz1", "prompt": "Product showcase video...", "status": "pending", "credits": 30},
        {"id": "vid_xyz2", "prompt": "Social media clip...", "status": "pending", "credits": 30},
        {"id": "vid_xyz3", "prompt": "Aerial drone shot...", "status": "pending", "credits": 30},
    ],
    "credits_charged": 90,
}
BATCH_STATUS: dict[str, Any] = {  # creativeai-api.txt:177
    "batch_id": "video_batch_abc123",
    "total_jobs": 3,
    "completed": 2,
    "failed": 0,
    "pending": 0,
    "processing": 1,
    "jobs": [
        {
            "id": "vid_xyz1",
            "prompt": "Product showcase video...",
            "image_url": "https://example.com/product1.png",
            "status": "completed",
            "output_url": "https://cdn.creativeai.run/output/video-1.mp4",
            "error_message": None,
            "credits": 30,
        },
        {
            "id": "vid_xyz2",
            "prompt": "Social media clip...",
            "image_url": None,
            "status": "completed",
            "output_url": "https://cdn.creativeai.run/output/video-2.mp4",
            "error_message": None,
            "credits": 30,
        },
        {
            "id": "vid_xyz3",
            "prompt": "Aerial drone shot...",
            "image_url": None,
            "status": "processing",
            "output_url": None,
            "error_message": None,
            "credits": 30,
        },
    ],
}
T2V_ACCEPTED: dict[str, Any] = {  # creativeai-api.txt:216
    "id": "vgen_abc123",
    "object": "video.generation",
    "model": "auto",
    "model_actual": "kling-o3-pro-t2v",
    "status": "processing",
    "prompt": "A drone shot over a coastal city at golden hour, cinematic",
    "credits": 60,
    "failover_used": False,
    "output_url": None,
    "webhook_url": "https://your-app.com/webhooks/creativeai/video",
    "created_at": "2026-03-09T16:10:00Z",
}
T2V_COMPLETED: dict[str, Any] = {  # creativeai-api.txt:229
    "id": "vgen_abc123",
    "object": "video.generation",
    "model": "auto",
    "model_actual": "kling-o3-pro-t2v",
    "status": "completed",
    "prompt": "A drone shot over a coastal city at golden hour, cinematic",
    "credits": 60,
    "output_url": "https://cdn.creativeai.run/output/video-abc123.mp4",
    "error": None,
    "failover_used": False,
    "debug": {
        "provider_requested": "kling-o3-pro-t2v",
        "provider_actual": "kling-o3-pro-t2v",
        "submission_failover_used": False,
        "submission_failover_reason": None,
        "routing_safe_fallback_applied": True,
        "routing_fallback_reason": "insufficient_margin_over_legacy",
        "routing_preferred_provider": "seedance-t2v",
        "routing_legacy_provider": "kling-o3-pro-t2v",
        "routing_confidence_margin": 5.0,
        "async_capacity_failover_attempted": False,
        "async_capacity_failover_reason": None,
        "prediction_id_original": None,
        "prediction_id_current": "pred_auto_1",
    },
    "created_at": "2026-03-09T16:10:00Z",
    "completed_at": "2026-03-09T16:12:43Z",
}
T2V_FAILED: dict[str, Any] = {  # creativeai-api.txt:258
    "id": "vgen_abc123",
    "object": "video.generation",
    "model": "auto",
    "model_actual": "seedance-t2v",
    "status": "failed",
    "prompt": "A drone shot over a coastal city at golden hour, cinematic",
    "credits": 30,
    "output_url": None,
    "error": {"message": "Video generation timed out after 10 minutes", "type": "server_error", "code": "generation_failed"},
    "failover_used": True,
    "created_at": "2026-03-09T16:10:00Z",
    "completed_at": "2026-03-09T16:20:02Z",
}
MULTI_SHOT_HEADERS: dict[str, Any] = {"Authorization": "Bearer YOUR_API_KEY"}  # creativeai-api.txt:294
VOICE_REQUEST: dict[str, Any] = {  # creativeai-api.txt:322
    "text": "Welcome to CreativeAI. Your product video is ready.",
    "voice": "alloy",
    "language": "en",
    "speed": 1.0,
    "webhook_url": "https://your-app.com/webhooks/creativeai/voice",
}
VOICE_STATUS: dict[str, Any] = {  # creativeai-api.txt:334
    "id": "voice_abc123",
    "type": "VOICE",
    "model": "creative-voice",
    "status": "COMPLETED",
    "output_url": "https://cdn.creativeai.run/output/voice-abc123.mp3",
    "credits": 8,
    "parameters": {"voice": "alloy", "language": "en", "speed": 1.0},
    "created_at": "2026-03-27T18:30:00Z",
    "completed_at": "2026-03-27T18:30:12Z",
}
VIDEO_WEBHOOK_COMPLETED: dict[str, Any] = {  # creativeai-api.txt:357, 397
    "id": "vgen_abc123",
    "object": "video.generation",
    "status": "completed",
    "model": "auto",
    "model_actual": "seedance-t2v",
    "prompt": "A drone shot over a coastal city at golden hour, cinematic",
    "output_url": "https://cdn.creativeai.run/output/video-abc123.mp4",
    "error_message": None,
    "credits": 30,
    "failover_used": True,
    "completed_at": "2026-03-09T16:12:43Z",
}
VIDEO_WEBHOOK_FAILED: dict[str, Any] = {  # creativeai-api.txt:415
    "id": "vgen_xyz789",
    "object": "video.generation",
    "status": "failed",
    "model": "auto",
    "model_actual": "kling-o3-pro-t2v",
    "prompt": "A drone shot over mountains at sunset",
    "output_url": None,
    "error": {"message": "Video generation timed out after 10 minutes", "type": "server_error", "code": "generation_timeout"},
    "error_message": "Video generation timed out after 10 minutes",
    "credits": 0,
    "credits_refunded": 60,
    "failover_used": True,
    "completed_at": "2026-03-09T16:20:02Z",
}
BATCH_WEBHOOK: dict[str, Any] = {  # creativeai-api.txt:439
    "batch_id": "video_batch_abc123",
    "object": "video.batch",
    "status": "completed",
    "total_jobs": 3,
    "completed": 3,
    "failed": 0,
    "jobs": [
        {
            "id": "vid_xyz1",
            "prompt": "Product showcase video, rotating 360 degrees",
            "status": "completed",
            "output_url": "https://cdn.creativeai.run/output/video-1.mp4",
            "credits": 30,
        },
        {
            "id": "vid_xyz2",
            "prompt": "Social media clip, dynamic transitions",
            "status": "completed",
            "output_url": "https://cdn.creativeai.run/output/video-2.mp4",
            "credits": 30,
        },
        {
            "id": "vid_xyz3",
            "prompt": "Aerial drone shot over mountains at sunset",
            "status": "completed",
            "output_url": "https://cdn.creativeai.run/output/video-3.mp4",
            "credits": 30,
        },
    ],
    "total_credits": 90,
    "completed_at": "2026-03-09T16:15:00Z",
}
IMAGE_WEBHOOK: dict[str, Any] = {  # creativeai-api.txt:477
    "id": "img_abc123",
    "object": "image.generation",
    "status": "completed",
    "model": "seedream-3.0",
    "prompt": "A minimalist product photo on white background",
    "output_url": "https://cdn.creativeai.run/output/image-abc123.png",
    "revised_prompt": "A minimalist product photo on white background, professional lighting",
    "width": 1024,
    "height": 1024,
    "credits": 2,
    "completed_at": "2026-03-09T16:05:12Z",
}
VOICE_WEBHOOK: dict[str, Any] = {  # creativeai-api.txt:495
    "id": "voice_abc123",
    "object": "voice.generation",
    "status": "completed",
    "text": "Welcome to CreativeAI. Your launch assets are rendering now.",
    "voice": "alloy",
    "language": "en",
    "output_url": "https://cdn.creativeai.run/output/voice-abc123.mp3",
    "duration_seconds": 4.2,
    "credits": 1,
    "completed_at": "2026-03-09T16:03:45Z",
}
COMMERCE_VIDEO_REQUEST: dict[str, Any] = {  # creativeai-api.txt:526
    "model": "auto",
    "image_url": "https://cdn.creativeai.run/output/clean-product-shot.png",
    "prompt": "Slow premium turntable shot of this product, subtle camera drift, soft studio reflections, ecommerce ad style",
    "duration": 5,
    "webhook_url": "https://your-app.com/webhooks/creativeai/video",
}
COMMERCE_VOICE_REQUEST: dict[str, Any] = {  # creativeai-api.txt:534
    "text": "Meet the travel mug built for commutes, workouts, and long desk days. Leak-resistant, lightweight, and ready to go.",
    "voice": "alloy",
    "language": "en",
    "speed": 1.0,
    "webhook_url": "https://your-app.com/webhooks/creativeai/voice",
}
COMMERCE_COMPOSE_REQUEST: dict[str, Any] = {  # creativeai-api.txt:542
    "video_url": "https://cdn.creativeai.run/output/product-motion.mp4",
    "audio_url": "https://cdn.creativeai.run/output/product-voice.mp3",
    "replace_audio": True,
    "webhook_url": "https://your-app.com/webhooks/creativeai/compose",
}
COMMERCE_COMPOSE_STATUS: dict[str, Any] = {  # creativeai-api.txt:548
    "id": "comp_commerce123",
    "status": "COMPLETED",
    "output_url": "https://cdn.creativeai.run/output/travel-mug-story.mp4",
    "credits": 5,
    "created_at": "2026-03-27T21:40:00Z",
    "completed_at": "2026-03-27T21:40:22Z",
}
COMPOSE_REQUEST: dict[str, Any] = {  # creativeai-api.txt:563
    "video_url": "https://cdn.creativeai.run/output/product-demo.mp4",
    "audio_url": "https://cdn.creativeai.run/output/voice-abc123.mp3",
    "replace_audio": True,
    "webhook_url": "https://your-app.com/webhooks/creativeai/compose",
}
COMPOSE_STATUS: dict[str, Any] = {  # creativeai-api.txt:571
    "id": "comp_xyz789",
    "status": "COMPLETED",
    "output_url": "https://cdn.creativeai.run/output/product-demo-with-voice.mp4",
    "credits": 5,
    "created_at": "2026-03-27T18:30:00Z",
    "completed_at": "2026-03-27T18:30:18Z",
}
CHART_REQUEST: dict[str, Any] = {  # creativeai-api.txt:586
    "chart_image_url": "https://example.com/charts/q4-revenue.png",
    "animation_style": "ken_burns",
    "title": "Q4 Revenue Growth",
    "duration": 10,
    "webhook_url": "https://your-app.com/webhooks/creativeai/chart-video",
}
CHART_DATA_REQUEST: dict[str, Any] = {  # creativeai-api.txt:594
    "chart_data": {
        "type": "line",
        "labels": ["Q1", "Q2", "Q3", "Q4"],
        "datasets": [{"label": "Revenue", "data": [1.2, 1.8, 2.4, 3.1]}],
    },
    "animation_style": "build_up",
    "title": "Revenue Trajectory",
    "duration": 8,
}
CHART_STATUS: dict[str, Any] = {  # creativeai-api.txt:606
    "id": "chart_xyz123",
    "status": "COMPLETED",
    "output_url": "https://cdn.creativeai.run/output/animated-chart-q4-revenue.mp4",
    "credits": 15,
    "created_at": "2026-03-28T20:30:00Z",
    "completed_at": "2026-03-28T20:30:45Z",
}
IMAGE_RESPONSE: dict[str, Any] = {  # creativeai-api.txt:622
    "created": 1709550000,
    "data": [{"url": "https://cdn.creativeai.run/output/abc123.png", "revised_prompt": "A serene Japanese garden at sunset..."}],
}
IMAGE_EDIT_RESPONSE: dict[str, Any] = {  # creativeai-api.txt:631
    "created": 1709550000,
    "data": [
        {
            "url": "https://cdn.creativeai.run/output/edited-abc123.png",
            "revised_prompt": "A natural human hand with five fingers...",
        }
    ],
}
ERROR_RESPONSE: dict[str, Any] = {  # creativeai-api.txt:664
    "error": {
        "code": "content_policy_violation",
        "message": "Your request was rejected because it may generate content that violates our usage policy.",
        "type": "invalid_request_error",
        "param": "prompt",
    }
}
GEMINI_CHAT_MESSAGES: list[dict[str, Any]] = [{"role": "user", "content": "Hello!"}]  # creativeai-api.txt:690
FAQ_CHARACTER_REQUEST: dict[str, Any] = {  # creativeai-api.txt:718
    "model": "dall-e-3",
    "prompt": "Three fantasy heroes standing on a cliff at sunrise, epic wide shot",
    "size": "1792x1024",
    "n": 1,
    "character_references": [
        "https://your-cdn.com/assets/hero_warrior.png",
        "https://your-cdn.com/assets/hero_mage.png",
        "https://your-cdn.com/assets/hero_rogue.png",
    ],
    "camera_angle": "low-angle",
    "style_reference_url": "https://your-cdn.com/assets/fantasy_style.jpg",
}

# not JSON in the doc ---------------------------------------------------------------------------------------------
MULTI_SHOT_REQUEST: dict[str, Any] = {  # creativeai-api.txt:295, the Python `json=` of "Multi-Shot Example Request (Python)"
    "model": "kling-v3",
    "prompt": "Camera pans right over a dense neon-lit cyberpunk city. Flying cars zip past.",
    "multi_shot_prompts": [
        "Cut to a close-up of a cyborg detective lighting a cigarette.",
        "The camera pulls back quickly to reveal the detective is standing on the edge of a skyscraper.",
    ],
    "ai_director_mode": True,
    "aspect_ratio": "16:9",
    "character_reference_url": "https://example.com/character.png",
    "character_references": ["https://example.com/char1.png", "https://example.com/char2.png"],
    "camera_angle": "isometric",
    "style_reference_url": "https://example.com/style.jpg",
    "duration": 10,
    "webhook_url": "https://your-server.com/webhooks/video",
}
EDIT_FORM: dict[str, Any] = {  # creativeai-api.txt:53, the -F text fields of "Advanced Editing" (image= and mask= are files)
    "model": "seedream-v4.5-edit",
    "prompt": "A natural human hand with five fingers holding the product in an expanded cinematic scene",
    "outpaint_direction": "all",
    "style_reference_url": "https://example.com/style.jpg",
    "size": "1024x1024",
}
EDIT_FORM_FILES: dict[str, Any] = {
    "image": "product-shot.png",
    "mask": "hand-mask.png",
}  # -F image=@product-shot.png -F mask=@hand-mask.png
COMMERCE_EDIT_FORM: dict[str, Any] = {  # creativeai-api.txt:524, "Commerce workflow" step 1 (image= is a file)
    "model": "seedream-v4.5-edit",
    "prompt": "Clean up this product photo, sharpen details, improve lighting, and place the item on a clean white studio background with a soft natural shadow",  # noqa: E501
    "size": "1024x1024",
}
COMMERCE_EDIT_FORM_FILES: dict[str, Any] = {"image": "product.jpg"}  # -F image=@product.jpg

EXAMPLES: dict[str, Any] = {
    name: value
    for name, value in dict(globals()).items()
    if name.isupper() and not name.endswith(("FORM", "FORM_FILES")) and isinstance(value, dict | list)
}
"""Every JSON (and Python-literal) example of the doc, by name."""
FORMS: dict[str, tuple[dict[str, str], dict[str, str]]] = {
    "EDIT_FORM": (EDIT_FORM, EDIT_FORM_FILES),
    "COMMERCE_EDIT_FORM": (COMMERCE_EDIT_FORM, COMMERCE_EDIT_FORM_FILES),
}
"""The multipart examples: (text fields, file fields -> the file name after `@`)."""
