"""nbgrader settings of the course: solutions/ is the source, exercises/ the release.

The settings live in `cnncourse.grading.course.configure`, so that the `nbgrader` command
and `cnncourse release/grade/feedback` produce the same notebooks and grades.
"""

from cnncourse.grading.course import configure

c = get_config()  # noqa: F821 - provided by nbgrader's config loader
configure(c)
