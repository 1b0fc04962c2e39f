# SPDX-License-Identifier: LGPL-2.1-or-later
"""cockpit-traffic-accounting helper: the root side that collects counters into the store."""
