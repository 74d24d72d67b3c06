"""One thin module per command: parsed options in, one engine call, print, an exit code."""
