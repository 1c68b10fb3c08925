#!/bin/sh
# nbtscan-office.sh -- nbtscan over the names lab's office: the on-link /24, then the routed PC (nbtscan takes one range).
nbtscan -s '|' 198.19.1.0/24
nbtscan -s '|' 198.19.4.10
