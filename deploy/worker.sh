#!/bin/sh
# The container worker (`pdms-worker` in the image): PDMS's periodic commands in a loop.
#
#   every WORKER_INTERVAL_SECONDS (default 60):
#       `pdms notifications send`     deliver queued email, texts and letters
#       `pdms notifications status`   ask GOV.UK Notify about delivery (when it is used)
#   once a UK day, from WORKER_DAILY_AT (HH:MM, default 06:30) on:
#       `pdms reminders run`          queue reminders of overdue and due-soon intentions
#       `pdms documents purge`        remove deleted and expired documents for good
#
# A loop rather than cron: a container runs one process that logs to standard output
# and stops on SIGTERM; cron wants root, drops the environment (the PDMS_* settings)
# and mails or syslogs its jobs' output. Every command here is idempotent, so a pass
# repeated after a restart does no harm, and a failed one is retried at the next pass.
# Run one worker per installation. Outside containers use the systemd timers
# (deploy/systemd/) instead.
set -u

interval=${WORKER_INTERVAL_SECONDS:-60}
daily_at=${WORKER_DAILY_AT:-06:30}
last_daily=""

log() {
    echo "pdms-worker: $*"
}

# Run one command; a failure is logged, the loop carries on and tries it again at the
# next pass (daily work too, until it has all succeeded once that day).
run() {
    "$@" && return 0
    status=$?
    log "'$*' failed (exit $status)"
    return "$status"
}

frequent() {
    run pdms notifications send
    # Only GOV.UK Notify reports delivery; without its key the command refuses to run.
    if [ -n "${PDMS_NOTIFY_API_KEY:-}" ]; then
        run pdms notifications status
    fi
}

daily() {
    ok=0
    run pdms reminders run || ok=1
    run pdms documents purge || ok=1
    return "$ok"
}

sleeper=""
trap 'log "stopping"; [ -z "$sleeper" ] || kill "$sleeper" 2>/dev/null; exit 0' TERM INT
log "every ${interval}s; daily work from ${daily_at} UK time"
while :; do
    today=$(TZ=Europe/London date +%F)
    now=$(TZ=Europe/London date +%H%M)
    # "1" prefixed: compared as decimal numbers, never read as octal.
    if [ "$today" != "$last_daily" ] && [ "1$now" -ge "1$(echo "$daily_at" | tr -d :)" ]; then
        if daily; then
            last_daily=$today
        fi
    fi
    # After the daily work, so that reminders it queued go out in the same pass.
    frequent
    # In the background, so that SIGTERM ends the wait at once.
    sleep "$interval" &
    sleeper=$!
    wait "$sleeper"
    sleeper=""
done
