"""Tests of cnncourse.search."""
