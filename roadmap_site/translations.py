"""How the Dutch catalogue is extracted and checked, shared by the completeness test.

``makemessages`` runs with these options both when a developer refreshes
``locale/nl/LC_MESSAGES/django.po`` and in the test, so that what the test demands is
exactly what the developer's command produces:

    python manage.py makemessages -l nl -e html,txt,py,svg -i tests -i docs -i var -i node_modules
    python manage.py compilemessages -l nl -i .venv
"""

EXTENSIONS = ["html", "txt", "py", "svg"]
IGNORE = ["tests", "docs", "var", "node_modules", "static"]
