"""Support assistant for the Z.ai GLM Coding Plan: answers from the plan's own documentation."""
