"""The sources `octobot tentacles new` copies: ``<kind>_module.py.tmpl`` and ``<kind>_tests.py.tmpl``.

Python files named ``.tmpl`` so that nothing imports them from here (a tool importing every module of the
package would fail on their ``from template_tentacle import ...``): ``TemplateTentacle`` becomes the new
class name, ``template_tentacle`` its module name and ``TEMPLATE_TEST_PATH`` the path of its test file. The
tests generate every kind, lint the copies, and run their tests.
"""
