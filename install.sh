#!/bin/sh
# stevie-stack installer. On a Debian or Ubuntu VM, as root:
#
#   curl -fsSL https://registry.npmjs.org/stevie-stack/-/stevie-stack-0.3.0.tgz | tar -xzO package/install.sh | sh -s -- --yes
#
# or, from a checkout or an unpacked package: sh install.sh --yes
#
# 1. Node.js: the one on PATH when it is 20.19 or newer and has npm; otherwise Node.js 24 from the npm registry's
#    node-linux-<arch> package (Debian 12 and Ubuntu 24.04 ship Node 18), checked against the registry's sha512,
#    with npm from the registry's npm package. Only the npm registry is contacted: no other download site.
# 2. The stevie-stack CLI from its npm package, into a directory of its own, and a `stevie-stack` command that runs
#    it with that Node.js.
# 3. `stevie-stack install` with this script's arguments (it installs Docker itself when it is missing).
# Running it again changes only what is missing or out of date.
#
# Environment (all optional):
#   STEVIE_STACK_PACKAGE    what npm installs: a version (stevie-stack@0.3.0), a tarball URL or a path
#   STEVIE_STACK_PREFIX     where Node.js and the CLI go (/usr/local/lib/stevie-stack as root, else ~/.local/lib/stevie-stack)
#   STEVIE_STACK_BIN_DIR    where the stevie-stack command goes (/usr/local/bin as root, else ~/.local/bin)
#   STEVIE_STACK_NO_INSTALL=1   stop after the CLI: do not run `stevie-stack install`
#   STEVIE_STACK_INSTALLER_DRY_RUN=1   say what would be done and change nothing
#   NPM_CONFIG_REGISTRY     another npm registry (a mirror)
set -eu

# The release this script belongs to (a test keeps it equal to package.json's version).
STEVIE_STACK_VERSION=0.3.0
# package.json's engines.node.
MIN_NODE=20.19.0
# Node.js fetched when the host has no usable one: the LTS line the API image runs (cli/stack/images.ts).
NODE_VERSION=24.22.3
# npm for that Node.js (the node-linux-* packages hold only the node binary).
NPM_VERSION=11.21.3
MARKER="# Written by the stevie-stack installer."

say() { printf 'stevie-stack installer: %s\n' "$*" >&2; }
die() {
	printf 'stevie-stack installer: error: %s\n' "$1" >&2
	[ -z "${2:-}" ] || printf 'stevie-stack installer: fix: %s\n' "$2" >&2
	exit 1
}

# version_ge A B: true when version A (X.Y.Z, an optional leading v and -suffix ignored) is at least B.
version_ge() {
	a=${1#v}
	b=${2#v}
	a=${a%%-*}
	b=${b%%-*}
	for _ in 1 2 3; do
		ai=${a%%.*}
		bi=${b%%.*}
		case $ai in '' | *[!0-9]*) return 1 ;; esac
		case $bi in '' | *[!0-9]*) return 1 ;; esac
		[ "$ai" -gt "$bi" ] && return 0
		[ "$ai" -lt "$bi" ] && return 1
		case $a in *.*) a=${a#*.} ;; *) a=0 ;; esac
		case $b in *.*) b=${b#*.} ;; *) b=0 ;; esac
	done
	return 0
}

# node_version BIN: the version a node binary reports (empty when it does not run).
node_version() { "$1" -v 2>/dev/null </dev/null || true; }

node_arch() {
	case $(uname -m) in
	x86_64 | amd64) echo x64 ;;
	aarch64 | arm64) echo arm64 ;;
	*) die "no Node.js build for this processor ($(uname -m)) on the npm registry" "install Node.js ${MIN_NODE} or newer yourself, then run this script again" ;;
	esac
}

check_path() {
	case $2 in
	/*) ;;
	*) die "$1 must be an absolute path (found '$2')" "set $1 to a directory such as /usr/local/lib/stevie-stack" ;;
	esac
}

# quote WORD: WORD as one sh word in single quotes (for the generated command).
quote() { printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"; }

# fetch URL FILE
fetch() {
	if command -v curl >/dev/null 2>&1; then
		curl -fsSL --retry 3 -o "$2" "$1" </dev/null || die "could not download $1" "check that this host reaches the npm registry ($REGISTRY)"
	elif command -v wget >/dev/null 2>&1; then
		wget -q -O "$2" "$1" </dev/null || die "could not download $1" "check that this host reaches the npm registry ($REGISTRY)"
	else
		die "neither curl nor wget is installed" "apt-get install curl ca-certificates"
	fi
}

# fetch_package NAME VERSION FILE: a package tarball from the registry, checked against the sha512 its metadata lists.
fetch_package() {
	fetch "$REGISTRY/$1/$2" "$TMP/meta.json"
	integrity=$(grep -o '"integrity": *"sha512-[A-Za-z0-9+/=]*"' "$TMP/meta.json" | head -n 1 | sed 's/.*"sha512-//; s/"$//')
	tarball=$(grep -o '"tarball": *"[^"]*"' "$TMP/meta.json" | head -n 1 | sed 's/^"tarball": *"//; s/"$//')
	if [ -z "$integrity" ] || [ -z "$tarball" ]; then
		die "the registry lists no sha512 integrity or tarball for $1@$2" "check NPM_CONFIG_REGISTRY ($REGISTRY)"
	fi
	say "downloading $1@$2"
	fetch "$tarball" "$3"
	expected=$(printf '%s' "$integrity" | base64 -d | od -An -v -tx1 | tr -d ' \n')
	actual=$(sha512sum "$3" | cut -d ' ' -f 1)
	[ "$expected" = "$actual" ] || die "$1@$2 does not match the registry's sha512 (expected $expected, downloaded $actual)" "run the installer again; if it persists, the download is being altered on the way"
}

# Node.js NODE_VERSION and npm NPM_VERSION into $PREFIX/node, replaced as a whole.
install_node() {
	arch=$(node_arch)
	fetch_package "node-linux-$arch" "$NODE_VERSION" "$TMP/node.tgz"
	fetch_package npm "$NPM_VERSION" "$TMP/npm.tgz"
	new="$PREFIX/node.new"
	rm -rf "$new"
	mkdir -p "$new/bin" "$new/lib/node_modules/npm"
	tar -xzf "$TMP/node.tgz" -C "$TMP" package/bin/node package/LICENSE
	mv "$TMP/package/bin/node" "$new/bin/node"
	mv "$TMP/package/LICENSE" "$new/LICENSE"
	tar -xzf "$TMP/npm.tgz" -C "$new/lib/node_modules/npm" --strip-components=1
	ln -s ../lib/node_modules/npm/bin/npm-cli.js "$new/bin/npm"
	ln -s ../lib/node_modules/npm/bin/npx-cli.js "$new/bin/npx"
	got=$(node_version "$new/bin/node")
	[ "$got" = "v$NODE_VERSION" ] || die "the downloaded Node.js does not run here (it reports '$got')" "install Node.js ${MIN_NODE} or newer yourself, then run this script again"
	rm -rf "$PREFIX/node.old"
	[ ! -e "$PREFIX/node" ] || mv "$PREFIX/node" "$PREFIX/node.old"
	mv "$new" "$PREFIX/node"
	rm -rf "$PREFIX/node.old"
}

# The `stevie-stack` command: the installed CLI run by the chosen Node.js, with that Node's npm first on PATH
# (the CLI runs npm to fetch the API image's Node.js).
write_command() {
	target="$BIN_DIR/stevie-stack"
	if [ -e "$target" ] || [ -L "$target" ]; then
		grep -qF "$MARKER" "$target" 2>/dev/null || die "$target exists and was not written by this installer" "remove it (or set STEVIE_STACK_BIN_DIR to another directory) and run the installer again"
	fi
	mkdir -p "$BIN_DIR"
	cat >"$target.tmp" <<EOF
#!/bin/sh
$MARKER
PATH=$(quote "$NODE_DIR"):\$PATH
export PATH
exec $(quote "$NODE_DIR/node") $(quote "$PREFIX/cli/lib/node_modules/stevie-stack/dist/cli/bin.js") "\$@"
EOF
	chmod 755 "$target.tmp"
	mv "$target.tmp" "$target"
}

main() {
	if [ "$(id -u)" -eq 0 ]; then
		PREFIX=${STEVIE_STACK_PREFIX:-/usr/local/lib/stevie-stack}
		BIN_DIR=${STEVIE_STACK_BIN_DIR:-/usr/local/bin}
	else
		PREFIX=${STEVIE_STACK_PREFIX:-$HOME/.local/lib/stevie-stack}
		BIN_DIR=${STEVIE_STACK_BIN_DIR:-$HOME/.local/bin}
	fi
	check_path STEVIE_STACK_PREFIX "$PREFIX"
	check_path STEVIE_STACK_BIN_DIR "$BIN_DIR"
	REGISTRY=${NPM_CONFIG_REGISTRY:-${npm_config_registry:-https://registry.npmjs.org}}
	REGISTRY=${REGISTRY%/}
	PACKAGE=${STEVIE_STACK_PACKAGE:-stevie-stack@$STEVIE_STACK_VERSION}
	dry=${STEVIE_STACK_INSTALLER_DRY_RUN:-}

	# 1. Node.js: ours from an earlier run, else the host's, else a fresh download.
	node_action=
	system_node=$(command -v node 2>/dev/null || true)
	system_version=
	[ -z "$system_node" ] || system_version=$(node_version "$system_node")
	if [ "$(node_version "$PREFIX/node/bin/node")" = "v$NODE_VERSION" ] && [ -x "$PREFIX/node/bin/npm" ]; then
		NODE_DIR=$PREFIX/node/bin
		say "Node.js $NODE_VERSION: already installed in $PREFIX/node"
	elif [ -n "$system_version" ] && version_ge "$system_version" "$MIN_NODE" && command -v npm >/dev/null 2>&1; then
		NODE_DIR=$(dirname "$system_node")
		say "Node.js $system_version: using $system_node"
	else
		if [ -z "$system_node" ]; then
			why="this host has none"
		elif [ -z "$system_version" ]; then
			why="$system_node does not run"
		elif version_ge "$system_version" "$MIN_NODE"; then
			why="$system_node ($system_version) has no npm"
		else
			why="$system_node is $system_version, older than $MIN_NODE"
		fi
		NODE_DIR=$PREFIX/node/bin
		node_action=install
		say "Node.js $NODE_VERSION from the npm registry into $PREFIX/node ($why)"
	fi

	say "stevie-stack CLI: $PACKAGE into $PREFIX/cli; command $BIN_DIR/stevie-stack"
	if [ -n "$dry" ]; then
		say "dry run: nothing changed; next: stevie-stack install $*"
		return 0
	fi

	TMP=$(mktemp -d)
	trap 'rm -rf "$TMP"' EXIT
	trap 'exit 130' INT TERM
	mkdir -p "$PREFIX"
	[ -z "$node_action" ] || install_node

	# 2. The CLI, unless this very package is installed already: the same pinned version, or a tarball with the same
	# sha512 (npm would otherwise reinstall every dependency, which takes most of a minute).
	PATH=$NODE_DIR:$PATH
	export PATH
	cli=$PREFIX/cli/lib/node_modules/stevie-stack
	stamp=$PREFIX/cli/.installed-tarball-sha512
	installed=$(sed -n 's/^ *"version": *"\([^"]*\)".*/\1/p' "$cli/package.json" 2>/dev/null | head -n 1 || true)
	source=$PACKAGE
	case $PACKAGE in
	http://* | https://*)
		fetch "$PACKAGE" "$TMP/stevie-stack.tgz"
		source=$TMP/stevie-stack.tgz
		;;
	/* | ./* | ../* | *.tgz)
		[ -f "$PACKAGE" ] || die "STEVIE_STACK_PACKAGE is $PACKAGE, which is not a file" "give a version (stevie-stack@$STEVIE_STACK_VERSION), a tarball URL or an existing .tgz"
		;;
	esac
	digest=
	if [ -f "$source" ]; then digest=$(sha512sum "$source" | cut -d ' ' -f 1); fi
	if [ -n "$installed" ] && { [ "$PACKAGE" = "stevie-stack@$installed" ] || { [ -n "$digest" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$digest" ]; }; }; then
		say "stevie-stack $installed: already installed from $PACKAGE"
	else
		say "npm install $PACKAGE"
		rm -f "$stamp"
		npm install --global --prefix "$PREFIX/cli" --no-audit --no-fund --no-update-notifier --loglevel=error "$source" </dev/null ||
			die "npm could not install $PACKAGE" "read npm's message above; check that this host reaches the npm registry ($REGISTRY)"
		[ -z "$digest" ] || printf '%s\n' "$digest" >"$stamp"
	fi
	[ -f "$cli/dist/cli/bin.js" ] || die "$PACKAGE did not install the stevie-stack CLI" "check STEVIE_STACK_PACKAGE"
	write_command
	rm -rf "$TMP"
	trap - EXIT

	case :$PATH: in *:"$BIN_DIR":*) ;; *) say "note: $BIN_DIR is not on your PATH; add it to run stevie-stack by name" ;; esac
	if [ -n "${STEVIE_STACK_NO_INSTALL:-}" ]; then
		say "done: $BIN_DIR/stevie-stack $("$BIN_DIR/stevie-stack" --version </dev/null)"
		return 0
	fi

	# 3. The stack. Piped into sh, this script's stdin is the download: give the CLI the terminal when there is one
	# (so it can ask its questions), and nothing otherwise.
	say "stevie-stack install $*"
	if [ -t 1 ] && (: </dev/tty) 2>/dev/null; then
		exec "$BIN_DIR/stevie-stack" install "$@" </dev/tty
	fi
	exec "$BIN_DIR/stevie-stack" install "$@" </dev/null
}

# Everything runs from this one call, so the whole script has been read before anything runs (it may be piped).
main "$@"
