"""Read models folded from the global log: projectors, checkpoints, generations, rebuild.

``queries`` is the read side; ``runner.ProjectionRunner`` keeps the read models
live (``wait_for`` gives read-your-writes); ``rebuild.rebuild`` builds a new
generation and switches readers to it; ``app.projections_ctx`` runs the runner
inside the HTTP application.
"""
