/* train_energy.h — pricing the training engine's per-pass action counts. */
#ifndef EINSIM_TRAIN_ENERGY_H
#define EINSIM_TRAIN_ENERGY_H

#include "config/spec.h"
#include "engine/train.h"

/* Fills energy_pj of every pass, the mask generation and every layer (one instance
 * each) with Σ count × energy per event from the architecture's energy table (the
 * entries are required: train_check verifies them). */
void energy_price_training(TrainResult *tr, const ArchSpec *a);

#endif
