"""Tests of the aws and probe stages against moto in server mode."""
