/* The purgatory image, built from loader/purgatory/ with the product's compiler and turned
 * into a byte list by loader/module.mk ($(B)/gen/purgatory_image.inc). Where the product's
 * compiler is not x86_64 the list is empty and the segment path says so. */
#include "loader/segplan.h"

const uint8_t loader_purgatory_image[] __attribute__((aligned(16))) = {
#include "purgatory_image.inc"
	0 /* keeps the array non-empty when there is no purgatory; not part of the image */
};
const size_t loader_purgatory_len = sizeof(loader_purgatory_image) - 1;
