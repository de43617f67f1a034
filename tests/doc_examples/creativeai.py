"""The creativeai doc's own JSON examples (creativeai-api.txt), verbatim: one copy for the sandbox and the adapter tests."""

I2V_COMPLETED = {
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

BATCH_ACCEPTED = {
    "batch_id": "video_batch_abc123",
    "total_jobs": 3,
    "jobs": [
        {"id": "vid_xyz1", "prompt": "Product showcase video...", "status": "pending", "credits": 30},
        {"id": "vid_xyz2", "prompt": "Social media clip...", "status": "pending", "credits": 30},
        {"id": "vid_xyz3", "prompt": "Aerial drone shot...", "status": "pending", "credits": 30},
    ],
    "credits_charged": 90,
}

BATCH_STATUS = {
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

T2V_ACCEPTED = {
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

T2V_FAILED = {
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

VIDEO_WEBHOOK_FAILED = {
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

BATCH_WEBHOOK = {
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

IMAGE_WEBHOOK = {
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

IMAGE_EDIT_RESPONSE = {
    "created": 1709550000,
    "data": [
        {
            "url": "https://cdn.creativeai.run/output/edited-abc123.png",
            "revised_prompt": "A natural human hand with five fingers...",
        }
    ],
}

ERROR_RESPONSE = {
    "error": {
        "code": "content_policy_violation",
        "message": "Your request was rejected because it may generate content that violates our usage policy.",
        "type": "invalid_request_error",
        "param": "prompt",
    }
}
