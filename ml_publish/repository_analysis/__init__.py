"""A repository read and described, changing nothing: what adopt plans from and update reads
answers from (files, modules and scripts, the import graph, requirements, the package it is)."""
