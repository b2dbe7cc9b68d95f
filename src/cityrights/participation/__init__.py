"""The participation app: consultations on drafts, the city's principles, data initiatives."""
