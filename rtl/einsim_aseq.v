// einsim_aseq.v — one attention tile queue (rtl/README.md, "Attention: the same
// array"): an instruction memory of 4 x 64-bit words per tile, issued in order with
// zero overhead. The head tile starts when the queue's unit is free (the previous tile
// has issued its last stream cycle) and, if it names a dependency, once that tile of
// the other queue is done (dep_done_i) and the DMA has completed the loads it needs
// (loads_i >= need_loads, w3[31:16]). A tile then issues len stream cycles, cnt = 0 ..
// len - 1; len is fixed by its opcode: 1, the exp sequence T + 2, the k field (E or F),
// or E + F for the 2D pair BQK|SLNV (6), whose stream alternates one BQK element (even
// cycles) and one SLNV element (odd cycles) while both have elements left; the longer
// one then finishes alone. Each stream cycle is put out as one element of one Einsum:
// its op, its element count and last flag, its addresses and score bank. Start stamps
// are recorded here; end stamps and done flags in einsim_attn.
`include "einsim_params.vh"
module einsim_aseq #(
  // 1: the 1D queue's opcodes, 0: the 2D queue's
  parameter integer ONED = 0,
  parameter integer T = 5,          // exp terms
  parameter integer TILES = 64,     // instruction memory, tiles
  parameter integer TIDW = 6
) (
  input  wire            clk_i,
  input  wire            rst_ni,
  input  wire            start_i,
  input  wire            ld_we_i,
  input  wire [31:0]     ld_addr_i,
  input  wire [63:0]     ld_data_i,
  input  wire [31:0]     dbg_addr_i,
  output wire [31:0]     dbg_start_o,
  input  wire [31:0]     loads_i,     // DMA loads completed (the head tile waits for w3[31:16])
  output wire            dep_o,       // the head tile waits for tile dep_tid_o of the other queue
  output wire [TIDW-1:0] dep_tid_o,
  input  wire            dep_done_i,
  output wire            iss_v_o,     // a stream cycle of the current tile
  output wire [7:0]      op_o,        // the element's Einsum (BQK or SLNV for a pair)
  output wire            first_o,
  output wire            last_o,      // the element is its Einsum's last in the tile
  output wire [15:0]     blk_o,
  output wire [31:0]     cnt_o,       // the element's index in its Einsum
  output wire [TIDW-1:0] tid_o,
  output wire            bank_o,      // score bank of the element (2D)
  output wire            pair_o,      // the tile is a BQK|SLNV pair
  output wire            mask_o,      // causal diagonal tile: PEs mask key > query (w0[12])
  output wire [31:0]     a_o,         // a + cnt * lda (a = w3[63:32] for a pair's SLNV)
  output wire [31:0]     b_o,         // b + cnt * ldb
  output wire            idle_o,      // at the END tile
  output wire [31:0]     ntiles_o,    // tiles issued so far (all of them once idle)
  output wire [31:0]     cyc_o
);
  reg [63:0] imem [0:4*TILES-1];
  reg [31:0] start_mem [0:TILES-1];
  reg        run_q;
  reg [31:0] pc_q, cnt_q, cyc_q;

  wire        pc_ok = pc_q < TILES;
  wire [63:0] w0 = pc_ok ? imem[{pc_q[29:0], 2'd0}] : 64'd0;
  wire [63:0] w1 = pc_ok ? imem[{pc_q[29:0], 2'd1}] : 64'd0;
  wire [63:0] w2 = pc_ok ? imem[{pc_q[29:0], 2'd2}] : 64'd0;
  wire [63:0] w3 = pc_ok ? imem[{pc_q[29:0], 2'd3}] : 64'd0;
  wire [7:0]  op = w0[7:0];
  // opcodes (`EINSIM_OP_* of einsim_params.vh): END is 0, the highest one is the last valid
  localparam [7:0] OP_MAX = ONED != 0 ? 8'(`EINSIM_OP_A1_AV) : 8'(`EINSIM_OP_A2_PAIR);
  wire        valid_op = op != 8'(`EINSIM_OP_A2_END) && op <= OP_MAX;
  // exp sequences: 2D SLN, 1D PRM; stream of k: 2D BQK, SLNV; 1D SPNV, RNV, AV; the 2D
  // pair: k = E (BQK) + k2 = F (SLNV, w0[63:48])
  wire        pair = ONED == 0 && op == 8'(`EINSIM_OP_A2_PAIR);
  wire        is_exp = ONED != 0 ? op == 8'(`EINSIM_OP_A1_PRM) : op == 8'(`EINSIM_OP_A2_SLN);
  wire        is_k = ONED != 0
                     ? (op == 8'(`EINSIM_OP_A1_SPNV) || op == 8'(`EINSIM_OP_A1_RNV) ||
                        op == 8'(`EINSIM_OP_A1_AV))
                     : (op == 8'(`EINSIM_OP_A2_BQK) || op == 8'(`EINSIM_OP_A2_SLNV));
  wire [31:0] ke = {16'd0, w0[47:32]}, kf = {16'd0, w0[63:48]};
  wire [31:0] len0 = pair ? ke + kf : is_exp ? 32'(T + 2) : is_k ? ke : 32'd1;
`ifdef EINSIM_FAULT_STALL
  // Fault-injection variant: tile 1 of the 2D queue holds its unit one cycle longer.
  wire [31:0] len = (ONED == 0 && pc_q == 32'd1) ? len0 + 32'd1 : len0;
`else
  wire [31:0] len = len0;
`endif
  wire        has_dep = w0[9];
  wire        loads_ok = loads_i >= {16'd0, w3[31:16]};
  wire        go = run_q && valid_op && (cnt_q != 32'd0 || ((!has_dep || dep_done_i) && loads_ok));

  assign dep_o       = has_dep;
  assign dep_tid_o   = w3[TIDW-1:0];
  // A pair's element: both alternate over the first 2 min(E, F) cycles, then the longer
  // one runs alone.
  wire [31:0] kmin = ke < kf ? ke : kf;
  wire        alt = cnt_q < 2 * kmin;
  wire        p_slnv = alt ? cnt_q[0] : kf > ke;
  wire [31:0] p_cnt = alt ? cnt_q >> 1 : cnt_q - kmin;
  wire        sub_slnv = pair && p_slnv;
  wire [31:0] ecnt = pair ? p_cnt : cnt_q;
  assign iss_v_o     = go;
  assign op_o        = pair ? (p_slnv ? 8'(`EINSIM_OP_A2_SLNV) : 8'(`EINSIM_OP_A2_BQK)) : op;
  assign first_o     = w0[8];
  assign last_o      = pair ? p_cnt + 32'd1 == (p_slnv ? kf : ke) : cnt_q + 32'd1 == len;
  assign blk_o       = w0[31:16];
  assign cnt_o       = ecnt;
  assign tid_o       = pc_q[TIDW-1:0];
  assign bank_o      = sub_slnv ? w0[11] : w0[10];
  assign pair_o      = pair;
  assign mask_o      = w0[12];
  assign a_o         = (sub_slnv ? w3[63:32] : w1[31:0]) + ecnt * w2[31:0];
  assign b_o         = w1[63:32] + ecnt * w2[63:32];
  assign idle_o      = !run_q || !valid_op;
  assign cyc_o       = cyc_q;
  assign ntiles_o    = pc_q;
  assign dbg_start_o = dbg_addr_i < TILES ? start_mem[dbg_addr_i] : 32'd0;

  always @(posedge clk_i) begin
    if (ld_we_i && ld_addr_i < 4 * TILES) imem[ld_addr_i] <= ld_data_i;
    if (go && cnt_q == 32'd0) start_mem[pc_q] <= cyc_q;
  end

  always @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      run_q <= 1'b0; pc_q <= 32'd0; cnt_q <= 32'd0; cyc_q <= 32'd0;
    end else if (start_i) begin
      run_q <= 1'b1; pc_q <= 32'd0; cnt_q <= 32'd0; cyc_q <= 32'd0;
    end else if (run_q) begin
      cyc_q <= cyc_q + 32'd1;
      if (go) begin
        if (cnt_q + 32'd1 >= len) begin
          pc_q <= pc_q + 32'd1;
          cnt_q <= 32'd0;
        end else begin
          cnt_q <= cnt_q + 32'd1;
        end
      end
    end
  end
endmodule
