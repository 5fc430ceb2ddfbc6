/*
 * A vCPU's hardware counters (include/pmu.h): cycle, instret and the
 * host-backed ones, whose count is derived from a raw counter CSR that
 * is never written. Here: claiming a host counter for a host-backed one
 * and giving it back, switching the counts at a vCPU switch, which
 * counter reads must trap (hcounteren), and decoding a trapped read. Pure
 * logic: the raw CSRs are read, and host counters claimed, through
 * struct pmu_host.
 */
#include "pmu.h"
#include "pmu/pmu_hw.h"
#include "pmu/pmu_map.h"
#include "riscv.h"

void pmu_hw_switch_started(struct vcpu_pmu *pmu, const struct pmu_host *host)
{
	for (uint64_t left = pmu->hw_started; left; left &= left - 1) {
		struct pmu_hw_counter *c = pmu_hw_counter(pmu, __builtin_ctzll(left));

		/* offset <-> count: the same subtraction both ways, in the counter's width */
		c->value = (host->read(c->csr) - c->value) & pmu_width_mask(c->width);
	}
}

long pmu_hw_match_host(struct vcpu_pmu *pmu, unsigned long base, unsigned long mask,
		       unsigned long flags, unsigned long event_idx, uint64_t event_data,
		       const struct pmu_host *host)
{
	struct pmu_hpm_counter *h;
	struct pmu_backing b;
	long ctr = -1;

	if (flags & SBI_PMU_CFG_FLAG_SKIP_MATCH) {
		ctr = (long)(base + (unsigned long)__builtin_ctzl(mask));
		if (!pmu_is_hpm(host, (unsigned long)ctr))
			return SBI_ERR_NOT_SUPPORTED;
		h = &pmu->hpm[ctr - PMU_HPM_BASE];
		/* already counting this event: kept as it is, value included */
		if ((pmu->in_use >> ctr & 1) && h->event_idx == event_idx &&
		    h->event_data == event_data)
			return ctr;
	} else {
		for (unsigned int i = 0; i < 64 && ctr < 0; i++)
			if ((mask >> i & 1) && pmu_is_hpm(host, base + i) &&
			    !(pmu->in_use >> (base + i) & 1))
				ctr = (long)(base + i);
		if (ctr < 0)
			return SBI_ERR_NOT_SUPPORTED;
	}
	if (host->claim(event_idx, event_data, &b) != SBI_SUCCESS)
		return SBI_ERR_NOT_SUPPORTED; /* nothing on this hart can count it now */
	/* SKIP_MATCH over another event: that one's host counter goes back */
	pmu_unconfigure(pmu, (unsigned int)ctr, host);
	h = &pmu->hpm[ctr - PMU_HPM_BASE];
	h->backing = b;
	h->event_idx = event_idx;
	h->event_data = event_data;
	/* it wraps where the guest was told (counter_get_info), or sooner if the host's does */
	h->c = (struct pmu_hw_counter){
		.width = (uint8_t)(b.width < host->hpm_width ? b.width : host->hpm_width),
		.csr = (uint8_t)b.csr,
	};
	pmu->in_use |= 1ULL << ctr;
	return ctr;
}

void pmu_unconfigure(struct vcpu_pmu *pmu, unsigned int counter, const struct pmu_host *host)
{
	if (counter >= PMU_HPM_BASE && (pmu->in_use >> counter & 1)) {
		struct pmu_hpm_counter *h = &pmu->hpm[counter - PMU_HPM_BASE];

		host->release(h->backing.host_ctr);
		*h = (struct pmu_hpm_counter){ 0 };
	}
	pmu->in_use &= ~(1ULL << counter);
	pmu->hw_started &= ~(1ULL << counter);
}

void pmu_release_host(struct vcpu_pmu *pmu, const struct pmu_host *host)
{
	for (uint64_t left = pmu->in_use >> PMU_HPM_BASE; left; left &= left - 1)
		pmu_unconfigure(pmu, PMU_HPM_BASE + __builtin_ctzll(left), host);
}

unsigned long pmu_counteren_trapped(const struct vcpu_pmu *pmu)
{
	return pmu->in_use & (COUNTEREN_CY | COUNTEREN_IR);
}

unsigned long pmu_hcounteren(const struct vcpu_pmu *pmu)
{
	return (COUNTEREN_CY | COUNTEREN_TM | COUNTEREN_IR) & ~pmu_counteren_trapped(pmu);
}

int pmu_csr_counter(unsigned int csr)
{
	if (pmu_is_fixed_hw(csr))
		return (int)csr;
	if (csr >= PMU_HPM_CSR_FIRST && csr < PMU_HPM_CSR_FIRST + PMU_HPM_MAX)
		return (int)(PMU_HPM_BASE + csr - PMU_HPM_CSR_FIRST);
	return -1; /* time */
}

bool pmu_emulates_read(const struct vcpu_pmu *pmu, unsigned int csr)
{
	int counter = pmu_csr_counter(csr);

	/* configured: a host-backed counter exists only while it is */
	return counter >= 0 && (pmu->in_use >> counter & 1);
}

#define INSN_OPCODE_SYSTEM 0x73

enum pmu_csr_op pmu_decode_counter_csr(uint32_t insn, unsigned int *counter, unsigned int *rd)
{
	unsigned int funct3 = (insn >> 12) & 7, rs1 = (insn >> 15) & 31, csr = insn >> 20;

	*counter = 0;
	*rd = 0;
	/* funct3 0 is ecall/wfi/sret..., 4 is the hypervisor loads and stores */
	if ((insn & 0x7f) != INSN_OPCODE_SYSTEM || funct3 == 0 || funct3 == 4)
		return PMU_CSR_NONE;
	if (csr < PMU_CSR_COUNTER_BASE || csr > PMU_CSR_COUNTER_BASE + 31)
		return PMU_CSR_NONE;
	*counter = csr - PMU_CSR_COUNTER_BASE;
	*rd = (insn >> 7) & 31;
	/* csrrw/csrrwi always write; csrrs/csrrc(i) write unless rs1/uimm is 0 */
	if ((funct3 & 3) == 1 || rs1)
		return PMU_CSR_WRITE;
	return PMU_CSR_READ;
}
