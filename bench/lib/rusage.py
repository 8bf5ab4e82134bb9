# Runs one command and writes what the kernel accounted to it and its descendants, as JSON, to the file in argv[1]:
# spawn time (epoch ns, taken just before fork), wall ns, user and system CPU in microseconds (wait4, so the
# resolution is 1 us, unlike GNU time's 10 ms) and peak RSS in KiB. Used by bench/overhead.mjs when python3 exists.
import json
import os
import sys
import time

out, argv = sys.argv[1], sys.argv[2:]
spawned = time.time_ns()
started = time.perf_counter_ns()
pid = os.fork()
if pid == 0:
    try:
        os.execvp(argv[0], argv)
    finally:
        os._exit(127)
_, status, usage = os.wait4(pid, 0)
wall = time.perf_counter_ns() - started
with open(out, 'w') as f:
    json.dump(
        {
            'spawnedNs': spawned,
            'wallNs': wall,
            'userUs': round(usage.ru_utime * 1e6),
            'sysUs': round(usage.ru_stime * 1e6),
            'maxRssKiB': usage.ru_maxrss,
            'exitCode': os.waitstatus_to_exitcode(status),
        },
        f,
    )
