"""Report catalog: one Athena-dialect SQL file per report, and the chart each one draws."""
