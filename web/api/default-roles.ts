/**
 * The built-in role start pages, on the demo's logs (order-to-cash, procure-to-stock
 * and the linked distributor): what the seed articles say each role watches.
 */
export const DEFAULT_ROLES = [
  {
    id: 'customer-service',
    title: 'Customer service',
    summary: 'Orders waiting, credit holds and how long they have been held.',
    panels: [
      { kind: 'kpis', title: 'Orders', log: 'order-to-cash', kpis: ['order_cycle_time', 'exception_rate', 'credit_turnaround'] },
      { kind: 'queue', title: 'Orders waiting, by step and age', log: 'order-to-cash' },
      { kind: 'queue', title: 'Credit holds and their ages', log: 'order-to-cash', steps: ['Credit Hold'] },
      { kind: 'cases', title: 'Orders ever on credit hold', log: 'order-to-cash', filter: { has: 'Credit Hold' } },
    ],
  },
  {
    id: 'warehouse',
    title: 'Warehouse',
    summary: 'The release-to-ship backlog, and pick and pack times by warehouse.',
    panels: [
      { kind: 'queue', title: 'Release-to-ship backlog', log: 'order-to-cash', steps: ['Released to Warehouse', 'Picked', 'Packed', 'Line Allocated', 'Backordered'] },
      { kind: 'breakdown', title: 'Release to ship, by warehouse', log: 'order-to-cash', by: 'warehouse', from: 'Released to Warehouse', to: 'Shipped' },
      { kind: 'breakdown', title: 'Pick to pack, by warehouse', log: 'order-to-cash', by: 'warehouse', from: 'Picked', to: 'Packed' },
      { kind: 'cases', title: 'Orders with a short pick', log: 'order-to-cash', filter: { has: 'Short Pick' } },
    ],
  },
  {
    id: 'procurement',
    title: 'Procurement',
    summary: 'Late suppliers, receipts and put-away.',
    panels: [
      { kind: 'breakdown', title: 'PO sent to goods received, by supplier (slowest p90 first)', log: 'procure-to-stock', by: 'supplier', from: 'PO Sent', to: 'Goods Received', sort: 'p90' },
      { kind: 'breakdown', title: 'Goods received to put away, by warehouse', log: 'procure-to-stock', by: 'warehouse', from: 'Goods Received', to: 'Put Away' },
      { kind: 'queue', title: 'Purchase orders waiting, by step and age', log: 'procure-to-stock' },
      { kind: 'reconciliation', title: 'Three-way match', log: 'distributor', section: 'purchaseLines' },
    ],
  },
  {
    id: 'finance',
    title: 'Finance',
    summary: 'Invoice mismatches, the three-way match, credit memos and reconciliation gaps.',
    panels: [
      { kind: 'reconciliation', title: 'Three-way match: invoice mismatches', log: 'distributor', section: 'purchaseLines' },
      { kind: 'reconciliation', title: 'Order lines: ordered, shipped, invoiced', log: 'distributor', section: 'orderLines' },
      { kind: 'cases', title: 'Orders with a credit memo', log: 'order-to-cash', filter: { has: 'Credit Memo' } },
      { kind: 'cases', title: 'Orders with a pricing discrepancy', log: 'order-to-cash', filter: { has: 'Pricing Discrepancy' } },
      { kind: 'reconciliation', title: 'Stock variances', log: 'distributor', section: 'stock' },
    ],
  },
] as const;
