/* Choosing each vCPU's home hart (placement.h). */
#include <stdio.h>

#include "vcpu/placement.h"

static int hart_index(const struct placement *p, unsigned long hartid)
{
	for (unsigned int i = 0; i < p->nr_harts; i++)
		if (p->hartids[i] == hartid)
			return (int)i;
	return -1;
}

static unsigned int least_loaded(const struct placement *p)
{
	unsigned int best = 0;

	for (unsigned int i = 1; i < p->nr_harts; i++)
		if (p->load[i] < p->load[best])
			best = i;
	return best;
}

int placement_place_vm(struct placement *p, const char *vm_name, const int *pins,
		       unsigned int nr, unsigned int *home, char *err, unsigned long errlen)
{
	if (!p->nr_harts || p->nr_harts > sizeof(p->load) / sizeof(p->load[0])) {
		snprintf(err, errlen, "VM '%s': no harts to run its vCPUs on", vm_name);
		return -1;
	}
	/* pinned vCPUs first, so the others fill in around them */
	for (unsigned int i = 0; i < nr; i++) {
		int h;

		if (pins[i] < 0)
			continue;
		h = hart_index(p, (unsigned long)pins[i]);
		if (h < 0) {
			int n = snprintf(err, errlen,
					 "VM '%s': vcpu-harts pins vCPU %u to hart %d, which Keel "
					 "does not run on (harts:",
					 vm_name, i, pins[i]);
			unsigned long sorted[64];

			/* in ascending order, whichever hart the firmware booted on */
			for (unsigned int k = 0; k < p->nr_harts; k++) {
				unsigned int j = k;

				for (; j > 0 && sorted[j - 1] > p->hartids[k]; j--)
					sorted[j] = sorted[j - 1];
				sorted[j] = p->hartids[k];
			}
			for (unsigned int k = 0; k < p->nr_harts && n > 0 && (unsigned long)n < errlen;
			     k++)
				n += snprintf(err + n, errlen - (unsigned long)n, " %lu", sorted[k]);
			if (n > 0 && (unsigned long)n < errlen)
				snprintf(err + n, errlen - (unsigned long)n, ")");
			return -1;
		}
		home[i] = (unsigned int)h;
		p->load[h]++;
	}
	for (unsigned int i = 0; i < nr; i++) {
		if (pins[i] >= 0)
			continue;
		home[i] = least_loaded(p);
		p->load[home[i]]++;
	}
	return 0;
}
