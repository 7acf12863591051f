#!/bin/sh
# Open MPI's launcher agent for the two-namespace test (plm_rsh_agent): called as ssh would be,
#   netns_agent.sh HOST COMMAND...
# it runs COMMAND in the network namespace named HOST, through a shell as ssh does (Open MPI
# sends shell syntax: variable assignments and ';').
host=$1
shift
exec ip netns exec "$host" /bin/sh -c "$*"
