"""Tests of cnncourse.models."""
