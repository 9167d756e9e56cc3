"""The environment variables that size TensorFlow's and the numeric libraries' thread pools."""

THREAD_VARIABLES = (
    "TF_NUM_INTRAOP_THREADS",
    "TF_NUM_INTEROP_THREADS",
    "OMP_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
)


def thread_environment(threads: int) -> dict[str, str]:
    """Every thread-pool variable set to ``threads``, for a process started with them."""
    return {key: str(threads) for key in THREAD_VARIABLES}
