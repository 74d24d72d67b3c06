"""One module per ml-publish command; each core takes plain arguments and returns an exit code."""
