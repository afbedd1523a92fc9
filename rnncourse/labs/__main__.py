"""Command line of the lab system: ``python -m rnncourse.labs generate | grade | check | verify``.

The Makefile's ``labs``, ``grade`` and ``check-lab`` targets call it.
"""

from __future__ import annotations

import argparse
import sys

from rnncourse.errors import RNNCourseError


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m rnncourse.labs",
                                     description="Assignable labs on nbgrader.")
    parser.add_argument("--course", default=None,
                        help="the nbgrader course folder (default: the repository's labs/)")
    commands = parser.add_subparsers(dest="command", required=True)

    generate = commands.add_parser("generate", help="regenerate the student versions")
    generate.add_argument("labs", nargs="*", help="lab ids (default: every lab)")
    generate.add_argument("--target", default=None,
                          help="folder for learners' copies (default: notebooks/labs)")

    grade = commands.add_parser("grade", help="autograde <folder>/<student>/<lab>/<lab>.ipynb")
    grade.add_argument("submissions", help="the folder of submissions")
    grade.add_argument("--grades", default="reports/grades.csv", help="the CSV to write")
    grade.add_argument("--feedback", default=None,
                       help="folder for feedback (default: feedback/ beside the CSV)")
    grade.add_argument("--mode", default="fast", choices=("fast", "full"),
                       help="run mode of the graded notebooks (default: fast)")
    grade.add_argument("--timeout", type=float, default=None,
                       help="seconds a cell may run (default: 300 fast, 900 full)")
    grade.add_argument("--lab", action="append", dest="labs", default=None,
                       help="grade only this lab (repeatable)")

    check = commands.add_parser("check", help="run the public tests of a learner's copy")
    check.add_argument("lab", help="the lab id")
    check.add_argument("--notebook", default=None,
                       help="the notebook to check (default: notebooks/labs/<lab>.ipynb)")
    check.add_argument("--mode", default="fast", choices=("fast", "full"))
    check.add_argument("--timeout", type=float, default=300.0)

    commands.add_parser("verify", help="check that the committed student versions are current")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run one command; return the exit status (1 with a one-line message on a known error)."""
    arguments = _parser().parse_args(argv)
    try:
        if arguments.command == "generate":
            from rnncourse.labs.generate import generate_labs

            generate_labs(arguments.labs or None, root=arguments.course, target=arguments.target)
        elif arguments.command == "grade":
            from rnncourse.labs.grade import grade_submissions

            grade_submissions(arguments.submissions, grades=arguments.grades,
                              feedback=arguments.feedback, root=arguments.course,
                              mode=arguments.mode, timeout=arguments.timeout,
                              labs=arguments.labs)
        elif arguments.command == "check":
            from rnncourse.labs.check import check_lab

            check_lab(arguments.lab, notebook=arguments.notebook, mode=arguments.mode,
                      timeout=arguments.timeout)
        else:
            from rnncourse.labs.course import lab_ids
            from rnncourse.labs.generate import student_version_problems

            problems = [problem for lab in lab_ids(arguments.course)
                        for problem in student_version_problems(lab, root=arguments.course)]
            for problem in problems:
                print(problem)
            if problems:
                return 1
            print("Every student version is current and holds no instructor text.")
    except RNNCourseError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
