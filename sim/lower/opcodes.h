/* opcodes.h — the opcodes of the RTL's tile ISAs, in one table.
 *
 * The lowering writes them into tile programs (TILE_*, A2_*, A1_* below); `einsim
 * rtl-params` writes each as `define EINSIM_OP_<SPACE>_<NAME> into einsim_params.vh,
 * and the RTL compares with those macros, never with a number; `einsim cosim --waves`
 * writes each space as a GTKWave translate filter (value, name per line), so the saved
 * views show the names. Change an opcode here and all three follow. */
#ifndef EINSIM_LOWER_OPCODES_H
#define EINSIM_LOWER_OPCODES_H

/* X(NAME, VALUE) per opcode. */
#define EINSIM_TILE_OPS(X) X(END, 0) X(GEMM_OS, 1) X(GEMM_WS, 2)
#define EINSIM_A2_OPS(X) X(END, 0) X(BQK, 1) X(LM, 2) X(SLN, 3) X(SLD, 4) X(SLNV, 5) X(PAIR, 6)
#define EINSIM_A1_OPS(X) \
    X(END, 0) X(RM, 1) X(PRM, 2) X(SPD, 3) X(RD, 4) X(SPNV, 5) X(RNV, 6) X(AV, 7)

#define EINSIM_OP_ENUM_TILE(n, v) TILE_##n = v,
#define EINSIM_OP_ENUM_A2(n, v) A2_##n = v,
#define EINSIM_OP_ENUM_A1(n, v) A1_##n = v,
typedef enum { EINSIM_TILE_OPS(EINSIM_OP_ENUM_TILE) } TileOp;   /* GEMM tile program */
enum { EINSIM_A2_OPS(EINSIM_OP_ENUM_A2) };                      /* attention, 2D queue */
enum { EINSIM_A1_OPS(EINSIM_OP_ENUM_A1) };                      /* attention, 1D queue */

/* One space of names: the macros' <SPACE>, the filter file's name, its entries. */
typedef struct {
    const char *name;
    int value;
} OpName;
typedef struct {
    const char *space;            /* TILE, A2, A1 */
    const char *filter;           /* GTKWave translate filter file, e.g. filter-a2.txt */
    const OpName *ops;
    int n;
} OpSpace;
enum { OPS_TILE, OPS_A2, OPS_A1, OPS_SPACES };
extern const OpSpace op_spaces[OPS_SPACES];

#endif
