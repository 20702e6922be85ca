// SPDX-License-Identifier: Apache-2.0
/*
 * Stands in for a libbpf.so.1 that is too old (UserErrorsIT bind-mounts it
 * over the real one in a private mount namespace): only the version calls,
 * which is all the tracer asks before it refuses.
 */
unsigned int libbpf_major_version(void)
{
	return 0;
}

unsigned int libbpf_minor_version(void)
{
	return 8;
}
