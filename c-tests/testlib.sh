# Shared by the shell tests (sourced): no wait between test processes is unbounded.
#
#   bounded SECS cmd...   runs cmd under `timeout -k 5 SECS` (killed if it ignores SIGTERM)
#   stop_wait PID [SECS]  SIGTERM to a background child, then waits at most SECS (default 20)
#                         for it; returns its exit status, or 124 after it had to be killed
#                         (with a FAIL line)

bounded() {
	local secs=$1
	shift
	timeout -k 5 "$secs" "$@"
}

stop_wait() {
	local pid=$1 secs=${2:-20} i
	kill -TERM "$pid" 2>/dev/null
	for ((i = 0; i < secs * 10; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$pid" 2>/dev/null; then
		echo "FAIL: process $pid still running ${secs}s after SIGTERM: killed"
		kill -KILL "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
		return 124
	fi
	wait "$pid" 2>/dev/null
}
