"""Pages of the impact app: staff workflow, review, procurement, public summaries, exports."""
