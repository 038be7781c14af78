"""Documents held against records: files, their store, and signed download links."""
