"""The lab system: the code behind the assignable labs (reserved; the labs come next).

Lab-specific loaders, checks and grading helpers will live here, one module per lab,
above the exercises layer. Nothing else in the package imports from it.
"""
