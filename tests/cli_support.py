"""The shared helpers' old name, kept for branches written before they moved: import `support`."""
from support import *  # noqa: F401,F403
from support import Result, base_env, ran, run_cli, run_installed, run_on_tty  # noqa: F401
