// einsim_traffic.v — the per-tensor traffic counters of a core and their read mux
// (rtl/README.md, "DRAM and the DMA program"), shared by einsim_top.v and
// rtl/gemm/einsim_gemm_top.v. Each tensor t < NT has five 64-bit counters, read at
// address 8 * t + counter (rd_sel 9): 0 buffer reads (words the array reads, plus the
// words stores read), 1 buffer writes (results the array writes), 2 fills (words loads
// wrote into a buffer), 3 DRAM reads (the same words: every word a load reads from DRAM
// goes into a buffer), 4 DRAM writes (words stores wrote). The tensors are the mode's:
// GEMM 0 A, 1 B, 2 Z; attention 0 Q, 1 K, 2 V, 3 AV. Cleared by clear_i (start_i).
module einsim_traffic #(
  parameter integer NT = 4,         // tensors, at most 4 (the DMA command's tensor field)
  parameter integer C = 4           // array columns
) (
  input  wire           clk_i,
  input  wire           rst_ni,
  input  wire           clear_i,
  input  wire [NT*32-1:0] rd_inc_i,  // words the array reads from each tensor this cycle
  input  wire [NT*32-1:0] wr_inc_i,  // words the array writes into each tensor this cycle
  input  wire [C-1:0]   colrd_i,     // and one word of tensor 2 per column flagged here
  input  wire [C-1:0]   colwr_i,     // (GEMM: accumulator reads at the top, write-backs)
  input  wire [31:0]    ld_n_i,      // words a load writes into a buffer this cycle ...
  input  wire [1:0]     ld_t_i,      // ... of this tensor
  input  wire [31:0]    st_n_i,      // words a store sends to DRAM this cycle ...
  input  wire [1:0]     st_t_i,      // ... of this tensor
  input  wire [5:0]     addr_i,
  output reg  [63:0]    data_o
);
  reg [63:0] rd_q [0:NT-1];
  reg [63:0] wr_q [0:NT-1];
  reg [63:0] fl_q [0:NT-1];
  reg [63:0] dw_q [0:NT-1];
  integer t, j;
  reg [31:0] n_cr, n_cw;
  always @* begin
    n_cr = 32'd0;
    n_cw = 32'd0;
    for (j = 0; j < C; j = j + 1) begin
      n_cr = n_cr + {31'd0, colrd_i[j]};
      n_cw = n_cw + {31'd0, colwr_i[j]};
    end
  end
  always @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      for (t = 0; t < NT; t = t + 1) begin
        rd_q[t] <= 64'd0; wr_q[t] <= 64'd0; fl_q[t] <= 64'd0; dw_q[t] <= 64'd0;
      end
    end else if (clear_i) begin
      for (t = 0; t < NT; t = t + 1) begin
        rd_q[t] <= 64'd0; wr_q[t] <= 64'd0; fl_q[t] <= 64'd0; dw_q[t] <= 64'd0;
      end
    end else begin
      for (t = 0; t < NT; t = t + 1) begin
        rd_q[t] <= rd_q[t] + {32'd0, rd_inc_i[t*32 +: 32]} + (t == 2 ? {32'd0, n_cr} : 64'd0)
                           + (st_t_i == 2'(t) ? {32'd0, st_n_i} : 64'd0);
        wr_q[t] <= wr_q[t] + {32'd0, wr_inc_i[t*32 +: 32]} + (t == 2 ? {32'd0, n_cw} : 64'd0);
        if (ld_t_i == 2'(t)) fl_q[t] <= fl_q[t] + {32'd0, ld_n_i};
        if (st_t_i == 2'(t)) dw_q[t] <= dw_q[t] + {32'd0, st_n_i};
      end
    end
  end
  wire [2:0] ti = addr_i[5:3];
  always @* begin
    data_o = 64'd0;
    if ({29'd0, ti} < NT) begin
      case (addr_i[2:0])
        3'd0:    data_o = rd_q[ti[1:0]];
        3'd1:    data_o = wr_q[ti[1:0]];
        3'd2,
        3'd3:    data_o = fl_q[ti[1:0]];
        3'd4:    data_o = dw_q[ti[1:0]];
        default: data_o = 64'd0;
      endcase
    end
  end
endmodule
