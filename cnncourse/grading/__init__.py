"""nbgrader glue: release the exercises, grade a class, write feedback and a report, validate."""
