// SPDX-License-Identifier: Apache-2.0
/*
 * Stands in for a libbpf.so.1 that is not libbpf 1.x (UserErrorsIT
 * bind-mounts it over the real one in a private mount namespace): it has
 * one of the functions the tracer binds, and the version calls of libbpf
 * 0.8, which the tracer does not ask: it looks for its functions, and
 * refuses before it calls any.
 */
unsigned int libbpf_major_version(void)
{
	return 0;
}

unsigned int libbpf_minor_version(void)
{
	return 8;
}

void *libbpf_set_print(void *fn)
{
	return fn;
}
