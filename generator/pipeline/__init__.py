"""The pipeline: ``build()`` runs the stages in order, and the glue between them.

``build``: the one function of ``budget-site build`` (read → extract → check → package → render
→ site) and its options; ``sources``: the source folder and its manifest (``manifest``) →
``SourceDocument``; ``extraction``: read and extract each document in a worker, through the
store; ``stored``: the records of a build, loaded one disclosure or unit at a time by the later
stages; ``report``: the build report and the exit code.

``generator.pipeline.build`` here is the function; its module is reached by importing from it
(``from generator.pipeline.build import BuildResult``).
"""

from generator.pipeline.build import BuildOptions, BuildResult, OutputRefused, build

__all__ = ["BuildOptions", "BuildResult", "OutputRefused", "build"]
