// einsim_zbuf.v — the output (accumulator) buffer: DEPTH words of A bits with NP
// combinational read ports and NP write ports (one of each per array column), a DMA
// read port of BW words, a load port and a debug read port. Holds partial sums (A bits) and final words (sign-extended).
// Two write ports never hit one address in the same cycle (one output per port per
// cycle, distinct outputs per column); writes past DEPTH are dropped.
module einsim_zbuf #(
  parameter integer A = 32,        // accumulator bits
  parameter integer DEPTH = 1024,  // words
  parameter integer NP = 4,        // read / write ports
  parameter integer BW = 1         // words of the DMA read port (one memory-port beat)
) (
  input  wire             clk_i,
  input  wire [NP*32-1:0] rd_addr_i,
  output reg  [NP*A-1:0]  rd_data_o,
  input  wire [NP-1:0]    wr_en_i,
  input  wire [NP*32-1:0] wr_addr_i,
  input  wire [NP*A-1:0]  wr_data_i,
  input  wire             ld_we_i,
  input  wire [31:0]      ld_addr_i,
  input  wire [A-1:0]     ld_data_i,
  input  wire             dma_en_i,    // DMA: a store's data is read this cycle
  input  wire [31:0]      dma_addr_i,  // DMA: BW words from dma_addr_i (0 when not dma_en_i)
  output reg  [BW*A-1:0]  dma_data_o,
  input  wire [31:0]      dbg_addr_i,
  output wire [A-1:0]     dbg_data_o
);
  reg [A-1:0] mem [0:DEPTH-1];
  integer p;
  always @* begin
    for (p = 0; p < NP; p = p + 1)
      rd_data_o[p*A +: A] = (rd_addr_i[p*32 +: 32] < DEPTH) ? mem[rd_addr_i[p*32 +: 32]] : {A{1'b0}};
  end
  // The BW-word port is read only while a store sends data: evaluated every cycle, its
  // loop was most of the simulation's time on a fast DRAM's wide beat.
  always @* begin
    dma_data_o = {BW*A{1'b0}};
    if (dma_en_i)
      for (p = 0; p < BW; p = p + 1)
        dma_data_o[p*A +: A] = (dma_addr_i + p < DEPTH) ? mem[dma_addr_i + p] : {A{1'b0}};
  end
  assign dbg_data_o = (dbg_addr_i < DEPTH) ? mem[dbg_addr_i] : {A{1'b0}};
  always @(posedge clk_i) begin
    if (ld_we_i && ld_addr_i < DEPTH) mem[ld_addr_i] <= ld_data_i;
    for (p = 0; p < NP; p = p + 1)
      if (wr_en_i[p] && wr_addr_i[p*32 +: 32] < DEPTH) mem[wr_addr_i[p*32 +: 32]] <= wr_data_i[p*A +: A];
  end
endmodule
