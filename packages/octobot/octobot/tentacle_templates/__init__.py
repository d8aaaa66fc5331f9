"""The sources `octobot tentacles new` copies: one ``<kind>_module.py`` and one ``<kind>_tests.py`` per kind.

They are read as text, never imported from here: ``TemplateTentacle`` becomes the new class name,
``template_tentacle`` its module name and ``TEMPLATE_TEST_PATH`` the path of its test file. Keeping them
as real Python files lets the linter and the tests (which generate and run every kind) keep them working.
"""
