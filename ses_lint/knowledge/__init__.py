"""What ses-lint knows about AWS, DNS and names, each fact defined once: plain constants and pure
functions importing nothing but the standard library (and the generated region tables)."""
