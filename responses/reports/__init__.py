"""Reports: each report is a module of queries that return plain rows for one ReportScope
(responses/reports/scope.py); the pages, the CSV export and the monthly email render the
same rows."""
