"""`python -m ingest`: corpus files -> validated documents -> chunks -> embeddings -> Chroma."""
