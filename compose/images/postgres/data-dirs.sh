#!/bin/sh
# stevie-data-dirs: rearranges a member's data directories on its volume (DATA_ROOT, /data in the one-off container
# the CLI runs with the volume mounted), for `restore`, `restore rollback` and `restore confirm`. Steps come as
# OP NAME pairs, run in order; each is harmless to run twice (a restore interrupted half-way is run again):
#   set-aside NAME  the live data (pgdata) moves to NAME, once: when NAME is there already it stays as it is; with no
#                   live data an empty NAME marks the place
#   adopt NAME      NAME becomes the live data, when it is there (the previous live data is deleted)
#   drop NAME       NAME is deleted
#   has NAME        prints yes or no
# Names are single directory names (letters, digits, dots, dashes): never a path.
set -eu
root=${DATA_ROOT:-/data}
live=pgdata
[ $(($# % 2)) -eq 0 ] && [ $# -gt 0 ] || { echo "usage: stevie-data-dirs OP NAME [OP NAME]..." >&2; exit 2; }
while [ $# -gt 0 ]; do
  op=$1 name=$2
  shift 2
  case $name in
    "" | . | .. | *[!A-Za-z0-9.-]*) echo "stevie-data-dirs: not a directory name: '$name'" >&2; exit 2 ;;
  esac
  case $op in
    set-aside)
      [ -e "$root/$name" ] || { if [ -e "$root/$live" ]; then mv "$root/$live" "$root/$name"; else mkdir "$root/$name"; fi; } ;;
    adopt)
      if [ -e "$root/$name" ]; then rm -rf "${root:?}/$live"; mv "$root/$name" "$root/$live"; fi ;;
    drop) rm -rf "${root:?}/$name" ;;
    has) if [ -e "$root/$name" ]; then echo yes; else echo no; fi ;;
    *) echo "stevie-data-dirs: unknown step '$op'" >&2; exit 2 ;;
  esac
done
