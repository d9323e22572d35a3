// einsim_ring.v — a program ring the host keeps fed: the DMA's command ring (einsim_dma)
// and each attention tile queue (einsim_aseq). SLOTS slots (a power of two) of 4 x 64-bit
// words; item i (absolute, 32-bit) lives in slot i mod SLOTS. The host writes items and
// the tail (items loaded so far, absolute) on its port clock hclk_i, so that it can write
// between two core cycles: ld_addr_i bit 31 selects the tail, else word ld_addr_i of the
// ring (words beyond the ring are ignored). The reader names its head item (head_i) and
// gets its words and whether it is loaded (head_i < tail); the host must not rewrite a
// slot the reader still needs.
module einsim_ring #(
  parameter integer SLOTS = 64
) (
  input  wire        hclk_i,
  input  wire        rst_ni,
  input  wire        ld_we_i,
  input  wire [31:0] ld_addr_i,
  input  wire [63:0] ld_data_i,
  input  wire [31:0] head_i,
  output wire        avail_o,
  output wire [63:0] w0_o,
  output wire [63:0] w1_o,
  output wire [63:0] w2_o,
  output wire [63:0] w3_o
);
  localparam integer SW = (SLOTS > 1) ? $clog2(SLOTS) : 1;
  reg [63:0] mem [0:4*SLOTS-1];
  reg [31:0] tail_q;

  always @(posedge hclk_i) begin
    if (ld_we_i && !ld_addr_i[31] && ld_addr_i < 4 * SLOTS) mem[ld_addr_i] <= ld_data_i;
  end
  always @(posedge hclk_i or negedge rst_ni) begin
    if (!rst_ni) tail_q <= 32'd0;
    else if (ld_we_i && ld_addr_i[31]) tail_q <= ld_data_i[31:0];
  end

  wire [SW-1:0] slot = head_i[SW-1:0];
  assign avail_o = head_i < tail_q;
  assign w0_o = mem[{slot, 2'd0}];
  assign w1_o = mem[{slot, 2'd1}];
  assign w2_o = mem[{slot, 2'd2}];
  assign w3_o = mem[{slot, 2'd3}];
endmodule
