"""Digital emergency plans (预案) as versioned data; activation turns a plan into department
tasks.
"""
