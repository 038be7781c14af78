"""What an operations team watches: one log line per request, a request id, Prometheus
metrics and, where installed, OpenTelemetry traces (docs/operations.md)."""
