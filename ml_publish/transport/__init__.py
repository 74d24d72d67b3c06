"""The HTTP transport every adapter uses (GitHub's today, the Hugging Face Hub's and others
later): the proxy and CA certificates the environment names (``network``)."""
