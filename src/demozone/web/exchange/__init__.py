"""Data exchange: Excel data collection per department, report downloads and the submission
package of a campaign."""
