// einsim_aseq.v — one attention tile queue (rtl/README.md, "Attention: the same array"):
// a ring of TILES slots of 4 x 64-bit words that the host keeps fed (einsim_ring), issued
// in order with zero overhead. Tile t (absolute, 32-bit) lives in slot t mod TILES; the
// host writes tiles and the queue's tail (tiles loaded so far, absolute) through the host
// port, clocked by hclk_i (so that a host can write between two core cycles; ld_addr_i
// bit 31 selects the tail, else word ld_addr_i of the ring). The head tile (pc) may issue
// only while pc < tail, else the queue waits (it is not idle). It starts when the queue's
// unit is free (the previous tile has issued its last stream cycle) and, if it names a
// dependency (an absolute tile of the other queue, w0[63:32]), once that tile has ended
// (dep_done_i), and once the DMA has completed the loads it needs (loads_i >= need_loads,
// w3[31:0]). A tile then issues len stream cycles, cnt = 0 .. len - 1; len is fixed by
// its opcode: 1, the exp sequence T + 2, the k field (E or F), or E + F for the 2D pair
// BQK|SLNV (6), whose stream alternates one BQK element (even cycles) and one SLNV
// element (odd cycles) while both have elements left; the longer one then finishes alone.
// Each stream cycle is put out as one element of one Einsum: its op, its element count
// and last flag, its addresses and score bank. Start stamps are recorded here per slot;
// end stamps and done flags in einsim_attn. The host must not overwrite a slot before its
// tile has ended (einsim_attn's ended ids tell it when).
// Tile words: w0 [7:0] op, [8] first, [9] has_dep, [10] bank, [11] a pair's SLNV bank,
// [12] mask, [31:16] k, [63:32] dep; w1 [31:0] lda, [63:32] ldb; w2 [23:0] a, [47:24] b,
// [55:48] blk, [63:56] k2 (a pair's F); w3 [31:0] need_loads, [55:32] a2 (a pair's SLNV
// row address).
`include "einsim_params.vh"
module einsim_aseq #(
  // 1: the 1D queue's opcodes, 0: the 2D queue's
  parameter integer ONED = 0,
  parameter integer T = 5,          // exp terms
  parameter integer TILES = 64,     // ring slots (power of two)
  parameter integer TIDW = 6        // log2(TILES)
) (
  input  wire            clk_i,
  input  wire            rst_ni,
  input  wire            start_i,
  input  wire            hclk_i,      // host port clock (tile and tail writes)
  input  wire            ld_we_i,
  input  wire [31:0]     ld_addr_i,
  input  wire [63:0]     ld_data_i,
  input  wire [31:0]     dbg_addr_i,  // a slot
  output wire [31:0]     dbg_start_o,
  input  wire [31:0]     loads_i,     // DMA loads completed (the head tile waits for need_loads)
  output wire            dep_o,       // the head tile waits for tile dep_tid_o of the other queue
  output wire [31:0]     dep_tid_o,
  input  wire            dep_done_i,
  output wire            iss_v_o,     // a stream cycle of the current tile
  output wire [7:0]      op_o,        // the element's Einsum (BQK or SLNV for a pair)
  output wire            first_o,
  output wire            last_o,      // the element is its Einsum's last in the tile
  output wire [15:0]     blk_o,
  output wire [31:0]     cnt_o,       // the element's index in its Einsum
  output wire [31:0]     tid_o,       // the tile (absolute)
  output wire            bank_o,      // score bank of the element (2D)
  output wire            pair_o,      // the tile is a BQK|SLNV pair
  output wire            mask_o,      // causal diagonal tile: PEs mask key > query (w0[12])
  output wire [31:0]     a_o,         // a + cnt * lda (a2 for a pair's SLNV)
  output wire [31:0]     b_o,         // b + cnt * ldb
  output wire            idle_o,      // at the END tile
  output wire [31:0]     ntiles_o,    // tiles issued so far (all of them once idle)
  output wire [31:0]     cyc_o
);
  reg [31:0] start_mem [0:TILES-1];
  reg        run_q;
  reg [31:0] pc_q, cnt_q, cyc_q;

  // the ring and its host port; the head tile's words, and whether it is loaded
  wire        avail;
  wire [63:0] w0, w1, w2, w3;
  einsim_ring #(.SLOTS(TILES)) u_ring (
    .hclk_i(hclk_i), .rst_ni(rst_ni), .ld_we_i(ld_we_i), .ld_addr_i(ld_addr_i),
    .ld_data_i(ld_data_i), .head_i(pc_q), .avail_o(avail),
    .w0_o(w0), .w1_o(w1), .w2_o(w2), .w3_o(w3)
  );
  wire [TIDW-1:0] slot = pc_q[TIDW-1:0];   // the head tile's slot (its start stamp's)
  wire [7:0]  op = w0[7:0];
  // opcodes (`EINSIM_OP_* of einsim_params.vh): END is 0, the highest one is the last valid
  localparam [7:0] OP_MAX = ONED != 0 ? 8'(`EINSIM_OP_A1_AV) : 8'(`EINSIM_OP_A2_PAIR);
  wire        valid_op = op != 8'(`EINSIM_OP_A2_END) && op <= OP_MAX;
  // exp sequences: 2D SLN, 1D PRM; stream of k: 2D BQK, SLNV; 1D SPNV, RNV, AV; the 2D
  // pair: k = E (BQK) + k2 = F (SLNV)
  wire        pair = ONED == 0 && op == 8'(`EINSIM_OP_A2_PAIR);
  wire        is_exp = ONED != 0 ? op == 8'(`EINSIM_OP_A1_PRM) : op == 8'(`EINSIM_OP_A2_SLN);
  wire        is_k = ONED != 0
                     ? (op == 8'(`EINSIM_OP_A1_SPNV) || op == 8'(`EINSIM_OP_A1_RNV) ||
                        op == 8'(`EINSIM_OP_A1_AV))
                     : (op == 8'(`EINSIM_OP_A2_BQK) || op == 8'(`EINSIM_OP_A2_SLNV));
  wire [31:0] ke = {16'd0, w0[31:16]}, kf = {24'd0, w2[63:56]};
  wire [31:0] len0 = pair ? ke + kf : is_exp ? 32'(T + 2) : is_k ? ke : 32'd1;
`ifdef EINSIM_FAULT_STALL
  // Fault-injection variant: tile 1 of the 2D queue holds its unit one cycle longer.
  wire [31:0] len = (ONED == 0 && pc_q == 32'd1) ? len0 + 32'd1 : len0;
`else
  wire [31:0] len = len0;
`endif
  wire        has_dep = w0[9];
  wire        loads_ok = loads_i >= w3[31:0];
  wire        go = run_q && avail && valid_op &&
                   (cnt_q != 32'd0 || ((!has_dep || dep_done_i) && loads_ok));

  assign dep_o       = has_dep;
  assign dep_tid_o   = w0[63:32];
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
  assign blk_o       = {8'd0, w2[55:48]};
  assign cnt_o       = ecnt;
  assign tid_o       = pc_q;
  assign bank_o      = sub_slnv ? w0[11] : w0[10];
  assign pair_o      = pair;
  assign mask_o      = w0[12];
  assign a_o         = {8'd0, sub_slnv ? w3[55:32] : w2[23:0]} + ecnt * w1[31:0];
  assign b_o         = {8'd0, w2[47:24]} + ecnt * w1[63:32];
  // waiting for the host (pc = tail) is not idle; the END tile is
  assign idle_o      = !run_q || (avail && !valid_op);
  assign cyc_o       = cyc_q;
  assign ntiles_o    = pc_q;
  assign dbg_start_o = dbg_addr_i < TILES ? start_mem[dbg_addr_i[TIDW-1:0]] : 32'd0;

  always @(posedge clk_i) begin
    if (go && cnt_q == 32'd0) start_mem[slot] <= cyc_q;
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
