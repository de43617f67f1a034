"""`make deploy-check`: would what `sam build` makes start and run in Lambda?

1. `sam build` of template.yaml exactly as written (the artifact `sam deploy` would upload), then that
   artifact is verified on disk: every function's handler file, the layer's own packages file for file,
   every pinned requirement at its pinned version, every native extension built for the template's
   architecture (ELF machine of each `.so`, manylinux tags no newer than Lambda's glibc), and the layer's
   bytecode: layers/core/Makefile (`BuildMethod: makefile`) compiles it unchecked-hash, so every `.py` must
   have a `.pyc` of exactly its bytes (`bytecode`).
2. Architecture. The template says arm64. On an arm64 host the artifact of step 1 is also the one that
   is run. On any other host (CI is x86_64) its aarch64 wheels (pydantic-core) cannot be loaded, so a
   second `sam build` is made from a copy of the template whose architectures alone are switched to the
   host's (`retarget`; nothing else in it changes; the layer's Makefile, which SAM tells no architecture,
   is given it as LAYER_ARCH), and the two artifacts are compared: the same
   distributions at the same versions and the same bytes in every file but the native binaries and
   their wheel metadata. Step 3 runs that host build. What is run is therefore the deployable artifact
   except for the compiled extensions, and those are the very wheels pip picks for the other platform.
   Emulating arm64 (qemu) or a container was rejected: neither is available on CI, and both are slow.
3. Every function of the template, in its own clean `python3.12 -I -S -B` process (no site-packages, no
   user site, no PYTHON* variables, nothing written into the artifact), with `sys.path` built as Lambda
   builds it: the task root (`<build>/<Function>/`), the built layer as `/opt/python`, the standard
   library, and last a directory holding only boto3 and botocore and their dependencies (what the
   python3.12 runtime ships), installed here from PyPI at the pins of requirements-dev.txt. Its
   environment is the template's for that function alone (Globals, then its own Variables; parameter
   defaults and samconfig.toml's overrides; placeholders for resource Refs and GetAtts) plus what
   Lambda sets (AWS_REGION, AWS_LAMBDA_FUNCTION_NAME, LAMBDA_TASK_ROOT, _HANDLER, credentials, ...). The
   handler module is imported (the cold start, timed) and the handler called with each of the
   function's events/ samples (`events/<code dir>.json` or `events/<code dir>_*.json`).
4. No AWS is reachable: AWS_ENDPOINT_URL points at a stub on 127.0.0.1, one per function, that answers
   every call with a non-retryable 400 `ReadinessCheckNoAws`, so the first AWS call fails at once as an
   AWS error. A function is ready when its module imports and each invocation either returns or raises
   an error that came from an AWS call (botocore ClientError, EndpointConnectionError, ...; anywhere in
   the exception's chain) or is one of the app's mapped errors (domain, vendor, fetch errors). Any
   ImportError, NameError, AttributeError, TypeError, KeyError or SettingsError raised (or explicitly
   chained as the cause) means it is not, and so does any other unexpected error. An aggregate (an
   SQS batch whose every record failed: Powertools' BatchProcessingError; an exception group) and a
   partial batch response are judged by the record failures behind them.
   The stub's error stops each invocation at its first AWS call, so what a handler would do after a
   successful call is not reached here (the e2e tests on the local stack cover those paths).

Build directories and caches are under .aws-sam-check/ (`sam build --cached`; the runtime SDK is
installed once per pin set). Exit status 1 when any build, artifact or function is not ready.

The modules, in the order the check uses them:

- `__main__`: the command line; runs the steps below and prints the verdict.
- `paths`: where the check reads (the repository) and writes (.aws-sam-check/).
- `template`: template.yaml and samconfig.toml, intrinsics resolved to deploy's values or placeholders.
- `builds`: the deployable `sam build` and the one retargeted to this host (steps 1 and 2).
- `artifact`: what a build put on disk, verified against the source and compared across builds.
- `bytecode`: the layer's `.pyc` files, each fresh for its source.
- `runtime_sdk`: boto3 and botocore alone, as the python3.12 runtime ships them.
- `environment`: one function's properties and its Lambda-like environment variables (step 3).
- `aws_stub`: the local endpoint that fails every AWS call (step 4).
- `function_check`: one function's run in its clean interpreter, and its result line.
- `runner`: the stdlib-only script that clean interpreter runs (imports, invokes, reports).
- `outcomes`: the verdict on each import and invocation the runner reports.
"""
