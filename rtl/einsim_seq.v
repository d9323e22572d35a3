// einsim_seq.v — the tile sequencer: executes the tile program held in its instruction
// memory (4 x 64-bit words per tile, format in rtl/README.md), one tile operation after
// another with zero-overhead issue, and records each tile's start and end cycle.
//
// Timing (the rules sim/lower/lower.c predicts): the cycle after start_i is cycle 0 and
// tile 0 issues then. A tile issues its stream cycles cnt = 0 .. len-1 (OS: len = k,
// one operand row of A and B per cycle; WS: len = m, one row of A per cycle, and weight
// rows cnt = 0 .. R-1 into the PE shadow registers) and the next tile issues `ivl`
// cycles later: ivl = max(len, R) for OS (one result write per column per cycle) and
// max(len, R, C) for WS (shadow weights free, accumulator reads after the previous
// tile's writes). An END opcode stops issue; the run is done when every issued tile has
// written its last result and the DMA (einsim_dma) has nothing pending, and its length
// (cycles_o) is the latest end stamp or DMA completion. A tile's first stream cycle
// waits until the DMA has completed the loads and stores its word 3 names. Mixed OS / WS programs are not supported (ws_o follows the
// tile being issued).
`include "einsim_params.vh"
module einsim_seq #(
  parameter integer R = 4,          // array rows
  parameter integer C = 4,          // array columns
  parameter integer TILES = 64,     // instruction memory capacity (tiles)
  parameter integer TIDW = 6        // tile-id bits
) (
  input  wire              clk_i,
  input  wire              rst_ni,
  input  wire              start_i,
  // instruction memory load port (64-bit words) and stamp read port
  input  wire              ld_we_i,
  input  wire [31:0]       ld_addr_i,
  input  wire [63:0]       ld_data_i,
  input  wire              dbg_end_i,   // 0: start stamps, 1: end stamps
  input  wire [31:0]       dbg_addr_i,
  output wire [31:0]       dbg_data_o,
  // end-of-tile events from the write-back (one per column at most)
  input  wire [C-1:0]      end_v_i,
  input  wire [C*TIDW-1:0] end_tid_i,
  // the DMA (einsim_dma): completed loads and stores, nothing pending after this edge, a
  // completion at this edge; the tiles finished issuing, and whether tile qtile_i ended
  input  wire [31:0]       dma_loads_i,
  input  wire [31:0]       dma_stores_i,
  input  wire [31:0]       dma_fill_i,    // words of the oldest load in flight written so far
  input  wire              dma_quiet_i,
  input  wire              dma_act_i,
  output wire [31:0]       tiles_done_o,
  input  wire [TIDW-1:0]   qtile_i,
  output wire              qended_o,
  // the tile being issued
  output wire              iss_v_o,     // a stream cycle of the current tile
  output wire              wld_o,       // WS: a weight row load this cycle (row = cnt)
  output wire              ws_o,
  output wire [31:0]       cnt_o,
  output wire [TIDW-1:0]   tid_o,
  output wire [15:0]       m_o,
  output wire [15:0]       n_o,
  output wire [15:0]       k_o,
  output wire [31:0]       a_o,
  output wire [31:0]       b_o,
  output wire [31:0]       z_o,
  output wire [15:0]       lda_o,
  output wire [15:0]       ldb_o,
  output wire [15:0]       ldz_o,
  output wire              acc_init_o,
  output wire              final_o,
  output wire              busy_o,
  output reg               done_o,
  output reg  [31:0]       cycles_o
);
  // opcodes; any other value (0 = END) stops issue
  localparam [7:0] OP_OS = 8'(`EINSIM_OP_TILE_GEMM_OS), OP_WS = 8'(`EINSIM_OP_TILE_GEMM_WS);

  reg [63:0] imem [0:4*TILES-1];
  reg [31:0] start_mem [0:TILES-1];
  reg [31:0] end_mem [0:TILES-1];

  reg        run_q;
  reg [31:0] pc_q, cnt_q, cyc_q, issued_q, ended_q, last_end_q;

  wire        pc_ok = pc_q < TILES;
  wire [63:0] w0 = pc_ok ? imem[{pc_q[29:0], 2'd0}] : 64'd0;
  wire [63:0] w1 = pc_ok ? imem[{pc_q[29:0], 2'd1}] : 64'd0;
  wire [63:0] w2 = pc_ok ? imem[{pc_q[29:0], 2'd2}] : 64'd0;
  wire [63:0] w3 = pc_ok ? imem[{pc_q[29:0], 2'd3}] : 64'd0;
  wire [7:0]  op = w0[7:0];
  // a tile's first stream cycle waits for the loads and stores it needs (word 3)
  // (need_loads w3[31:16], need_stores w3[47:32]; need_rows w3[63:48] > 0: the last of
  // the loads may still be arriving once its first need_rows x n words are in)
  wire [31:0] need_l = {16'd0, w3[31:16]};
  wire        loads_ok = dma_loads_i >= need_l ||
                         (w3[63:48] != 16'd0 && dma_loads_i + 32'd1 == need_l &&
                          dma_fill_i >= {16'd0, w3[63:48]} * {16'd0, w0[47:32]});
  wire        deps_ok = loads_ok && dma_stores_i >= {16'd0, w3[47:32]};
  wire        is_tile = run_q && (op == OP_OS || op == OP_WS) && (cnt_q != 32'd0 || deps_ok);
  reg  [TILES-1:0] tile_ended_q;
  assign tiles_done_o = pc_q;
  assign qended_o = tile_ended_q[qtile_i];

  assign ws_o       = op == OP_WS;
  assign acc_init_o = w0[8];
  assign final_o    = w0[9];
  assign m_o   = w0[31:16];
  assign n_o   = w0[47:32];
  assign k_o   = w0[63:48];
  assign a_o   = w1[31:0];
  assign b_o   = w1[63:32];
  assign z_o   = w2[31:0];
  assign lda_o = w2[47:32];
  assign ldb_o = w2[63:48];
  assign ldz_o = w3[15:0];

  wire [31:0] len = ws_o ? {16'd0, m_o} : {16'd0, k_o};
  wire [31:0] floor_ivl = ws_o ? ((R > C) ? R : C) : R;
  wire [31:0] ivl0 = (len > floor_ivl) ? len : floor_ivl;
`ifdef EINSIM_FAULT_STALL
  // Fault-injection variant: one bubble after tile 1.
  wire [31:0] ivl = (pc_q == 32'd1) ? ivl0 + 32'd1 : ivl0;
`else
  wire [31:0] ivl = ivl0;
`endif

  assign iss_v_o = is_tile && cnt_q < len;
  assign wld_o   = is_tile && ws_o && cnt_q < R;
  assign cnt_o   = cnt_q;
  assign tid_o   = pc_q[TIDW-1:0];
  assign busy_o  = run_q;

  // End events of this cycle.
  integer e;
  reg [31:0] n_end;
  always @* begin
    n_end = 32'd0;
    for (e = 0; e < C; e = e + 1) n_end = n_end + {31'd0, end_v_i[e]};
  end

  assign dbg_data_o = (dbg_addr_i >= TILES) ? 32'd0
                    : dbg_end_i ? end_mem[dbg_addr_i] : start_mem[dbg_addr_i];

  always @(posedge clk_i) begin
    if (ld_we_i && ld_addr_i < 4 * TILES) imem[ld_addr_i] <= ld_data_i;
    if (run_q && is_tile && cnt_q == 32'd0) start_mem[pc_q] <= cyc_q;
    for (e = 0; e < C; e = e + 1)
      if (end_v_i[e]) end_mem[end_tid_i[e*TIDW +: TIDW]] <= cyc_q + 32'd1;
  end

  always @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) tile_ended_q <= {TILES{1'b0}};
    else if (start_i) tile_ended_q <= {TILES{1'b0}};
    else for (e = 0; e < C; e = e + 1)
      if (end_v_i[e]) tile_ended_q[end_tid_i[e*TIDW +: TIDW]] <= 1'b1;
  end

  always @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      run_q <= 1'b0; pc_q <= 32'd0; cnt_q <= 32'd0; cyc_q <= 32'd0;
      issued_q <= 32'd0; ended_q <= 32'd0; last_end_q <= 32'd0; done_o <= 1'b0; cycles_o <= 32'd0;
    end else if (start_i) begin
      run_q <= 1'b1; pc_q <= 32'd0; cnt_q <= 32'd0; cyc_q <= 32'd0;
      issued_q <= 32'd0; ended_q <= 32'd0; last_end_q <= 32'd0; done_o <= 1'b0; cycles_o <= 32'd0;
    end else if (run_q) begin
      cyc_q <= cyc_q + 32'd1;
      ended_q <= ended_q + n_end;
      if (n_end != 32'd0 || dma_act_i) last_end_q <= cyc_q + 32'd1;
      if (is_tile) begin
        if (cnt_q == 32'd0) issued_q <= issued_q + 32'd1;
        if (cnt_q + 32'd1 >= ivl) begin
          pc_q <= pc_q + 32'd1;
          cnt_q <= 32'd0;
        end else begin
          cnt_q <= cnt_q + 32'd1;
        end
      end else if (ended_q + n_end == issued_q && dma_quiet_i && !(run_q && (op == OP_OS || op == OP_WS))) begin
        run_q <= 1'b0;
        done_o <= 1'b1;
        cycles_o <= (n_end != 32'd0 || dma_act_i) ? cyc_q + 32'd1 : last_end_q;
      end
    end
  end
endmodule
