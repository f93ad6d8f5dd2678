"""The inquiry report of a program, written from the services' answers: HTML, Markdown and PDF
(docs/report.md).

The content is assembled by :mod:`natije.services.reporting`; this package only writes it out, so it imports
no store and no engine. :mod:`natije.reports.words` holds the helpers every template (the web pages' too)
writes words, numbers and dates with.
"""
