"""Local stand-ins for outside services (GitHub), for the tests and ``--sandbox`` rehearsals."""
